namespace NixDeploy.Manifest;

/// <summary>
/// Seed 002's change detection: per machine, is its closure the one deployed last time? Machines that left the
/// blueprint are <c>removed</c>; machines not selected this time are not judged at all.
/// </summary>
public static class ChangeDetector
{
    public static SortedDictionary<string, ClosureChange> Compare(
        IReadOnlyDictionary<string, string> closures,
        IReadOnlyCollection<string> blueprintMachines,
        DeploymentManifest? previous)
    {
        var changes = new SortedDictionary<string, ClosureChange>(StringComparer.Ordinal);
        foreach (var (machine, closure) in closures)
        {
            changes[machine] = previous?.Closures.TryGetValue(machine, out var before) != true
                ? ClosureChange.Added
                : before == closure ? ClosureChange.Unchanged : ClosureChange.Changed;
        }
        foreach (var machine in previous?.Closures.Keys ?? [])
        {
            if (!blueprintMachines.Contains(machine))
                changes[machine] = ClosureChange.Removed;
        }
        return changes;
    }

    /// <summary>
    /// Marks each <c>unchanged</c> machine <c>changed</c> when what it receives beside its closure (artifacts, workloads)
    /// differs: <paramref name="now"/> and <paramref name="before"/> describe it in this and the previous deployment.
    /// </summary>
    public static SortedDictionary<string, ClosureChange> MarkChanged(
        SortedDictionary<string, ClosureChange> changes, DeploymentManifest? previous, Func<string, string> now, Func<string, string> before)
    {
        if (previous is null)
            return changes;
        foreach (var machine in changes.Where(pair => pair.Value == ClosureChange.Unchanged).Select(pair => pair.Key).ToList())
        {
            if (now(machine) != before(machine))
                changes[machine] = ClosureChange.Changed;
        }
        return changes;
    }
}
