using NixDeploy.Artifacts.Backends;
using NixDeploy.Diagnostics;
using NixDeploy.Processes;

namespace NixDeploy.Artifacts.Services;

/// <summary>
/// Seed 000's queue. For every artifact the selected machines use (a shared one once): deserialize all its files; if
/// all are there, use them; if not (or when regeneration is asked for), run the generator and serialize what it made.
/// An artifact whose serialization is skipped is generated every time.
/// </summary>
public sealed class ArtifactQueue(ArtifactBackends backends, ArtifactGenerator generator, IPromptSource prompts, ICommandLog log)
{
    public async Task<ArtifactQueueResult> RunAsync(ArtifactStore store, IReadOnlyCollection<string> machines, ArtifactSelection regenerate, CancellationToken cancellationToken)
    {
        var byMachine = machines.ToDictionary(machine => machine, _ => new List<ArtifactResult>(), StringComparer.Ordinal);
        foreach (var artifact in store.UsedBy(machines))
        {
            var result = await RunAsync(artifact, regenerate.Includes(artifact.Key), cancellationToken).ConfigureAwait(false);
            foreach (var machine in artifact.Machines.Where(byMachine.ContainsKey))
                byMachine[machine].Add(result);
        }
        return new ArtifactQueueResult(new SortedDictionary<string, IReadOnlyList<ArtifactResult>>(
            byMachine.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<ArtifactResult>)pair.Value), StringComparer.Ordinal));
    }

    private async Task<ArtifactResult> RunAsync(ArtifactDeclaration artifact, bool regenerate, CancellationToken cancellationToken)
    {
        var files = artifact.Files.Values.Select(file => new ArtifactFile(artifact, file)).ToList();
        if (artifact.Ephemeral)
        {
            using (await generator.GenerateAsync(artifact, prompts, cancellationToken).ConfigureAwait(false))
                log.Info($"NixDeploy: {artifact.Key}: generated (not stored: serialization is skipped)");
            return Result(artifact, ArtifactOutcome.Ephemeral, files.Select(file => (file, (StoredFile?)null)));
        }
        if (!regenerate)
        {
            var loaded = await LoadAllAsync(files, cancellationToken).ConfigureAwait(false);
            if (loaded.All(pair => pair.Stored is not null))
            {
                log.Verbose($"NixDeploy: {artifact.Key}: stored, reused");
                foreach (var file in files.Where(file => file.File.Secret && backends.Deserializer(file) is AgeBackend age && !age.EncryptedToCurrentRecipients(file)))
                    log.Warning(ErrorCodes.ArtifactMissingOrStale,
                        $"{file} is encrypted to other recipients than artifacts.config.age names now (a host or admin key changed), so a new recipient cannot decrypt it: regenerate it with NixDeployRegenerateArtifacts={artifact.Key}.");
                return Result(artifact, ArtifactOutcome.Reused, loaded);
            }
        }

        using (var generated = await generator.GenerateAsync(artifact, prompts, cancellationToken).ConfigureAwait(false))
        using (var writes = new RepositoryWrites())
        {
            foreach (var file in files)
                await backends.Serializer(file).StoreAsync(file, generated.Files[file.File.Name], writes, cancellationToken).ConfigureAwait(false);
            writes.Commit();
        }
        // Reading back what was stored both proves the round trip and gives the hashes of the stored form.
        var stored = await LoadAllAsync(files, cancellationToken).ConfigureAwait(false);
        var lost = stored.Where(pair => pair.Stored is null).Select(pair => pair.File.ToString()).ToList();
        if (lost.Count > 0)
            throw new NixDeployException(ErrorCodes.ArtifactDeserializeFailed,
                $"{string.Join(", ", lost)} cannot be deserialized right after being serialized: the artifact's serialize and deserialize backends do not agree.");
        log.Info($"NixDeploy: {artifact.Key}: {(regenerate ? "regenerated" : "generated")} and stored");
        return Result(artifact, ArtifactOutcome.Generated, stored);
    }

    private async Task<List<(ArtifactFile File, StoredFile? Stored)>> LoadAllAsync(List<ArtifactFile> files, CancellationToken cancellationToken)
    {
        var loaded = new List<(ArtifactFile, StoredFile?)>();
        foreach (var file in files)
            loaded.Add((file, await backends.Deserializer(file).LoadAsync(file, cancellationToken).ConfigureAwait(false)));
        return loaded;
    }

    private static ArtifactResult Result(ArtifactDeclaration artifact, ArtifactOutcome outcome, IEnumerable<(ArtifactFile File, StoredFile? Stored)> files) =>
        new(artifact.Key.Name, artifact.Key.Shared, outcome, files.Select(pair => new ArtifactFileResult(
            pair.File.File.Name, pair.File.File.Path, pair.File.File.Secret, pair.File.File.Owner, pair.File.File.Group, pair.File.File.Mode,
            pair.Stored?.Backend, pair.Stored?.Sha256, pair.Stored?.RepositoryPath)).ToList());
}
