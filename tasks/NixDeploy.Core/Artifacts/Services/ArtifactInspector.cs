using NixDeploy.Artifacts.Backends;

namespace NixDeploy.Artifacts.Services;

/// <summary>
/// What <c>artifacts list</c> and <c>artifacts check</c> report, without generating anything: for each artifact the
/// machines use, whether all its files are stored, and whether what is stored is stale (undeclared files left in
/// its folder, or secrets encrypted to other recipients than the configuration names now).
/// </summary>
public sealed class ArtifactInspector(ArtifactBackends backends, ArtifactRepository repository)
{
    public async Task<IReadOnlyList<ArtifactStatus>> InspectAsync(ArtifactStore store, IReadOnlyCollection<string> machines, CancellationToken cancellationToken)
    {
        var statuses = new List<ArtifactStatus>();
        foreach (var artifact in store.UsedBy(machines))
        {
            if (artifact.Ephemeral)
            {
                statuses.Add(new(artifact, ArtifactState.Ephemeral, "generated on every build and deploy, never stored"));
                continue;
            }
            var files = artifact.Files.Values.Select(file => new ArtifactFile(artifact, file)).ToList();
            var missing = new List<string>();
            var stale = new List<string>();
            foreach (var file in files)
            {
                var stored = await backends.Deserializer(file).LoadAsync(file, cancellationToken).ConfigureAwait(false);
                if (stored is null)
                    missing.Add(file.File.Name);
                else if (stored.Backend == ArtifactBackendNames.Age && backends.Serializer(file) is AgeBackend age && !age.EncryptedToCurrentRecipients(file))
                    stale.Add($"{file.File.Name} is encrypted to other recipients than artifacts.config.age names now");
            }
            var folder = Path.Combine(repository.Root, artifact.Key.RelativeDirectory);
            if (Directory.Exists(folder))
                stale.AddRange(Directory.EnumerateFiles(folder).Select(Path.GetFileName)
                    .Where(name => !name!.StartsWith('.') && !artifact.Files.ContainsKey(name))
                    .Select(name => $"{name} is stored but not declared"));

            statuses.Add(missing.Count == files.Count ? new(artifact, ArtifactState.Missing, "not generated yet")
                : missing.Count > 0 ? new(artifact, ArtifactState.Stale, $"{string.Join(", ", missing)} missing: it is generated again")
                : stale.Count > 0 ? new(artifact, ArtifactState.Stale, string.Join("; ", stale))
                : new(artifact, ArtifactState.Stored, "stored"));
        }
        return statuses;
    }
}

/// <summary>One artifact's state, for the tool's list and check.</summary>
public sealed record ArtifactStatus(ArtifactDeclaration Artifact, ArtifactState State, string Detail);

public enum ArtifactState
{
    Stored,
    /// <summary>Nothing stored: the next build generates it.</summary>
    Missing,
    /// <summary>Stored, but not as declared now: regenerate it.</summary>
    Stale,
    /// <summary>Serialization skipped: never stored.</summary>
    Ephemeral,
}
