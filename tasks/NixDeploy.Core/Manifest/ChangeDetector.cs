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
}
