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
        DeploymentManifest? previous) =>
        ChangeDetector.MarkChanged(changes, previous,
            machine => Fingerprint(artifacts?.GetValueOrDefault(machine)),
            machine => Fingerprint(previous?.Artifacts?.GetValueOrDefault(machine)));

    private static string Fingerprint(IReadOnlyList<ManifestArtifact>? artifacts) =>
        string.Join('\n', (artifacts ?? []).SelectMany(artifact => artifact.Files.Select(file =>
            $"{(artifact.Shared ? "shared/" : "")}{artifact.Name}/{file.Key} {file.Value.Path} {file.Value.Sha256}")).Order(StringComparer.Ordinal));
}
