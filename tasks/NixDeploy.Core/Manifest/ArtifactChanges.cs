namespace NixDeploy.Manifest;

/// <summary>
/// A machine whose closure is unchanged but whose artifacts (names, paths or stored hashes) differ from the previous
/// deployment's is <c>changed</c> too: it has new files to receive, and CI that deploys only changed machines must
/// not skip it.
/// </summary>
public static class ArtifactChanges
{
    public static SortedDictionary<string, ClosureChange> Apply(
        SortedDictionary<string, ClosureChange> changes,
        IReadOnlyDictionary<string, IReadOnlyList<ManifestArtifact>>? artifacts,
        DeploymentManifest? previous)
    {
        if (previous is null)
            return changes;
        foreach (var machine in changes.Where(pair => pair.Value == ClosureChange.Unchanged).Select(pair => pair.Key).ToList())
        {
            if (Fingerprint(artifacts?.GetValueOrDefault(machine)) != Fingerprint(previous.Artifacts?.GetValueOrDefault(machine)))
                changes[machine] = ClosureChange.Changed;
        }
        return changes;
    }

    private static string Fingerprint(IReadOnlyList<ManifestArtifact>? artifacts) =>
        string.Join('\n', (artifacts ?? []).SelectMany(artifact => artifact.Files.Select(file =>
            $"{(artifact.Shared ? "shared/" : "")}{artifact.Name}/{file.Key} {file.Value.Path} {file.Value.Sha256}")).Order(StringComparer.Ordinal));
}
