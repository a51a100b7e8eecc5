namespace NixDeploy.Artifacts.Backends;

/// <summary>
/// Saves and loads artifact files (seed 000's backend). Backends that write into the repository stage their files in
/// <see cref="RepositoryWrites"/>, which the queue commits only when every file of the artifact was stored.
/// </summary>
public interface IArtifactBackend
{
    string Name { get; }

    /// <summary>Deserializes one file: its stored form, or null when it is not stored.</summary>
    Task<StoredFile?> LoadAsync(ArtifactFile file, CancellationToken cancellationToken);

    /// <summary>Serializes one generated file, read from <paramref name="generatedPath"/> in the generator's private folder.</summary>
    Task StoreAsync(ArtifactFile file, string generatedPath, RepositoryWrites writes, CancellationToken cancellationToken);
}
