namespace NixDeploy.Artifacts.Backends;

/// <summary>Public (non-secret) files, kept as they are in the repository.</summary>
public sealed class PlainFileBackend(ArtifactRepository repository) : IArtifactBackend
{
    public string Name => ArtifactBackendNames.Plain;

    public Task<StoredFile?> LoadAsync(ArtifactFile file, CancellationToken cancellationToken)
    {
        var path = repository.PathOf(file);
        return Task.FromResult(File.Exists(path) ? new StoredFile(Name, FileHashes.Sha256Of(path), path) : null);
    }

    public Task StoreAsync(ArtifactFile file, string generatedPath, RepositoryWrites writes, CancellationToken cancellationToken)
    {
        File.Copy(generatedPath, writes.Stage(repository.PathOf(file)), overwrite: true);
        return Task.CompletedTask;
    }
}
