using NixDeploy.Manifest;

namespace NixDeploy.Tests.Core;

public sealed class ChangeDetectorTests
{
    private const string A = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-nixos-system-a";
    private const string B = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-nixos-system-b";

    private static DeploymentManifest Previous(Dictionary<string, string> closures) =>
        new(1, null, false, null, null, new Dictionary<string, NixDeploy.Blueprint.MachineSpec>(), closures, true, new Dictionary<string, ClosureChange>());

    [Fact]
    public void Without_a_previous_manifest_every_machine_is_added() =>
        Assert.Equal([ClosureChange.Added], ChangeDetector.Compare(new Dictionary<string, string> { ["m"] = A }, ["m"], null).Values);

    [Fact]
    public void Machines_are_compared_by_closure_and_unselected_ones_are_not_judged()
    {
        var changes = ChangeDetector.Compare(
            new Dictionary<string, string> { ["same"] = A, ["moved"] = B, ["new"] = A },
            ["same", "moved", "new", "unselected"],
            Previous(new Dictionary<string, string> { ["same"] = A, ["moved"] = A, ["gone"] = B, ["unselected"] = B }));

        Assert.Equal(
            new Dictionary<string, ClosureChange> { ["gone"] = ClosureChange.Removed, ["moved"] = ClosureChange.Changed, ["new"] = ClosureChange.Added, ["same"] = ClosureChange.Unchanged },
            changes);
    }
}
