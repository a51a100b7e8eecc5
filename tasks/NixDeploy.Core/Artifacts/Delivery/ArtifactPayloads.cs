using System.Collections.Concurrent;
using System.Text;
using NixDeploy.Artifacts.Backends;
using NixDeploy.Diagnostics;

namespace NixDeploy.Artifacts.Delivery;

/// <summary>
/// Turns a machine's artifacts (the build's queue result) into the <see cref="HostFile"/>s to place on it, from the
/// repository. Secrets always travel as age ciphertext to the host's key: from the repository as stored, and content
/// from a command backend or an ephemeral generator is encrypted on the way, in memory. Ephemeral artifacts are
/// generated once per deploy.
/// </summary>
public sealed class ArtifactPayloads(ArtifactQueueResult result, ArtifactStore store, ArtifactBackends backends, AgeCli age, ArtifactGenerator generator, IPromptSource prompts)
    : IHostFileSource
{
    private readonly ConcurrentDictionary<ArtifactKey, Lazy<Task<IReadOnlyDictionary<string, HostFile>>>> _ephemeral = new();

    public async Task<MachineFiles?> ForMachineAsync(string machine, CancellationToken cancellationToken)
    {
        if (!result.Machines.TryGetValue(machine, out var artifacts) || artifacts.Count == 0)
            return null;
        var files = new List<HostFile>();
        foreach (var artifact in artifacts)
        {
            var declaration = Declaration(machine, artifact);
            if (declaration.Ephemeral)
            {
                var generated = await _ephemeral.GetOrAdd(declaration.Key,
                    _ => new Lazy<Task<IReadOnlyDictionary<string, HostFile>>>(() => GenerateAsync(declaration, cancellationToken))).Value.ConfigureAwait(false);
                files.AddRange(generated.Values);
                continue;
            }
            foreach (var file in declaration.Files.Values)
                files.Add(await StoredAsync(new ArtifactFile(declaration, file), cancellationToken).ConfigureAwait(false));
        }
        return new MachineFiles(files, store.Config.Age.IdentityFileOf(machine), artifacts.Select(artifact => artifact.Name).ToList());
    }

    private async Task<HostFile> StoredAsync(ArtifactFile file, CancellationToken cancellationToken)
    {
        var backend = backends.Deserializer(file);
        if (backend is CommandBackend command)
        {
            var content = await command.ReadAsync(file, cancellationToken).ConfigureAwait(false)
                ?? throw NotStored(file);
            return Host(file, HostFileKind.Age, Encoding.UTF8.GetBytes(await age.EncryptTextAsync(Recipients(file.Artifact), Encoding.UTF8.GetString(content), file.ToString(), cancellationToken).ConfigureAwait(false)));
        }
        var stored = await backend.LoadAsync(file, cancellationToken).ConfigureAwait(false) ?? throw NotStored(file);
        // Age and plain files are delivered exactly as stored: the ciphertext for secrets.
        return Host(file, file.File.Secret ? HostFileKind.Age : HostFileKind.Plain, await File.ReadAllBytesAsync(stored.RepositoryPath!, cancellationToken).ConfigureAwait(false));
    }

    private async Task<IReadOnlyDictionary<string, HostFile>> GenerateAsync(ArtifactDeclaration artifact, CancellationToken cancellationToken)
    {
        using var generated = await generator.GenerateAsync(artifact, prompts, cancellationToken).ConfigureAwait(false);
        var files = new Dictionary<string, HostFile>(StringComparer.Ordinal);
        foreach (var file in artifact.Files.Values)
        {
            var path = generated.Files[file.Name];
            var artifactFile = new ArtifactFile(artifact, file);
            files[file.Name] = file.Secret
                ? Host(artifactFile, HostFileKind.Age, Encoding.UTF8.GetBytes(await age.EncryptFileAsync(Recipients(artifact), path, artifactFile.ToString(), cancellationToken).ConfigureAwait(false)))
                : Host(artifactFile, HostFileKind.Plain, await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
        }
        return files;
    }

    private IReadOnlyList<string> Recipients(ArtifactDeclaration artifact) =>
        artifact.Machines.Select(machine => store.Config.Age.Hosts.TryGetValue(machine, out var key)
                ? key.PublicKey
                : throw new NixDeployException(ErrorCodes.ArtifactRecipientsInvalid,
                    $"{artifact.Key} is a secret for {machine}, which has no host key: add artifacts.config.age.hosts.{machine}.publicKey so that it can decrypt what it is sent."))
            .ToList();

    private ArtifactDeclaration Declaration(string machine, ArtifactResult result)
    {
        var key = new ArtifactKey(result.Shared ? null : machine, result.Name);
        return store.Artifacts.FirstOrDefault(artifact => artifact.Key == key)
            ?? throw new NixDeployException(ErrorCodes.ArtifactStateUnreadable,
                $"{key} is in the artifacts result but not declared any more: build again (dotnet build) before deploying.");
    }

    private static HostFile Host(ArtifactFile file, HostFileKind kind, byte[] payload) =>
        new(file.File.Path, file.File.Owner, file.File.Group, file.File.Mode, kind, payload);

    private static NixDeployException NotStored(ArtifactFile file) => new(ErrorCodes.ArtifactPlacementFailed,
        $"{file} is not stored (any more): run 'dotnet build' to generate it, then deploy.");
}
