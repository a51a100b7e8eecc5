namespace NixDeploy.Manifest;

/// <summary>
/// A machine whose closure is unchanged but whose workloads (what runs, how, how it is checked) differ from the previous
/// deployment's is <c>changed</c>: its deploy has a workload to replace.
/// </summary>
public static class WorkloadChanges
{
    public static SortedDictionary<string, ClosureChange> Apply(
        SortedDictionary<string, ClosureChange> changes,
        IReadOnlyDictionary<string, IReadOnlyList<ManifestWorkload>>? workloads,
        DeploymentManifest? previous) =>
        ChangeDetector.MarkChanged(changes, previous,
            machine => Fingerprint(workloads?.GetValueOrDefault(machine)),
            machine => Fingerprint(previous?.Workloads?.GetValueOrDefault(machine)));

    private static string Fingerprint(IReadOnlyList<ManifestWorkload>? workloads) =>
        string.Join('\n', (workloads ?? []).Select(workload => $"{workload.Name} {workload.Fingerprint}").Order(StringComparer.Ordinal));
}
