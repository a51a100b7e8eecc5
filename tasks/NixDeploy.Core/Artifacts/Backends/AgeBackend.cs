namespace NixDeploy.Artifacts.Backends;

/// <summary>
/// The default secret backend: age-encrypted files in the repository, encrypted to the SSH host key of every machine
/// that uses the artifact and to the admins' keys, so only those can decrypt. Loading needs no key: the ciphertext is
/// what gets delivered, and hosts decrypt it with their own host key.
/// </summary>
public sealed class AgeBackend(AgeCli age, ArtifactRepository repository, AgeConfig config) : IArtifactBackend
{
    public string Name => ArtifactBackendNames.Age;

    public Task<StoredFile?> LoadAsync(ArtifactFile file, CancellationToken cancellationToken)
    {
        var path = repository.PathOf(file);
        return Task.FromResult(File.Exists(path) ? new StoredFile(Name, FileHashes.Sha256Of(path), path) : null);
    }

    public Task StoreAsync(ArtifactFile file, string generatedPath, RepositoryWrites writes, CancellationToken cancellationToken) =>
        age.EncryptAsync(RecipientsOf(file.Artifact), generatedPath, writes.Stage(repository.PathOf(file)), file.ToString(), cancellationToken);

    /// <summary>False when the stored file's header names other recipients than the configuration does now (e.g. a host key changed).</summary>
    public bool EncryptedToCurrentRecipients(ArtifactFile file) =>
        AgeFileHeader.Read(repository.PathOf(file)) is not { } header || header.SameRecipients(AgeFileHeader.Expected(RecipientsOf(file.Artifact)));

    /// <summary>The admins, then each machine's host key (the parser made sure every machine has one).</summary>
    public IReadOnlyList<string> RecipientsOf(ArtifactDeclaration artifact) =>
        [.. config.Admins, .. artifact.Machines.Select(machine => config.Hosts[machine].PublicKey)];
}
