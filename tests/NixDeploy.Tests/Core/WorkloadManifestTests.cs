using NixDeploy.Blueprint;
using NixDeploy.Cache;
using NixDeploy.Manifest;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Workloads;

namespace NixDeploy.Tests.Core;

/// <summary>Workloads in deployment.json: change detection, reading documents without them, and what a push carries.</summary>
public sealed class WorkloadManifestTests
{
    private const string Closure = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-nixos-system-a";
    private const string Image = "/nix/store/cccccccccccccccccccccccccccccccc-web-v1.tar";

    private static ManifestWorkload Web(string fingerprint) =>
        new("web", "build", Image, null, "sha256:" + new string('1', 64), new WorkloadRuntime("podman", 8080, new Dictionary<string, string>(), [], [], []), null, fingerprint);

    private static DeploymentManifest Manifest(IReadOnlyDictionary<string, IReadOnlyList<ManifestWorkload>>? workloads) =>
        new(DeploymentManifest.CurrentSchemaVersion, null, false, new DeploymentSelection(null, ["a"]), null,
            new Dictionary<string, MachineSpec>(), new Dictionary<string, string> { ["a"] = Closure }, false,
            new Dictionary<string, ClosureChange> { ["a"] = ClosureChange.Unchanged }, Workloads: workloads);

    [Fact]
    public void A_machine_whose_closure_is_unchanged_but_whose_workload_changed_is_changed()
    {
        var previous = Manifest(new Dictionary<string, IReadOnlyList<ManifestWorkload>> { ["a"] = [Web("f1")] });
        SortedDictionary<string, ClosureChange> Changes(string fingerprint) => WorkloadChanges.Apply(
            ChangeDetector.Compare(new Dictionary<string, string> { ["a"] = Closure }, ["a"], previous),
            new Dictionary<string, IReadOnlyList<ManifestWorkload>> { ["a"] = [Web(fingerprint)] }, previous);

        Assert.Equal(ClosureChange.Unchanged, Changes("f1")["a"]);
        Assert.Equal(ClosureChange.Changed, Changes("f2")["a"]);
        // A previous document without workloads (older versions) has none: a machine that gains one changed.
        Assert.Equal(ClosureChange.Changed, WorkloadChanges.Apply(
            ChangeDetector.Compare(new Dictionary<string, string> { ["a"] = Closure }, ["a"], Manifest(null)),
            new Dictionary<string, IReadOnlyList<ManifestWorkload>> { ["a"] = [Web("f1")] }, Manifest(null))["a"]);
    }

    [Fact]
    public void A_push_carries_the_selected_machines_deliverables_with_their_closures_and_a_document_without_workloads_reads()
    {
        var directory = TestRunDirectory.CreateFolder("workload-manifest");
        var path = Path.Combine(directory, "deployment.json");
        ManifestFile.Write(path, Manifest(new Dictionary<string, IReadOnlyList<ManifestWorkload>> { ["a"] = [Web("f1")] }));

        Assert.Equal([Closure, Image], ManifestClosures.Read(path));
        Assert.Equal("f1", ManifestFile.ReadBuilt(path).Workloads!["a"][0].Fingerprint);

        ManifestFile.Write(path, Manifest(null));
        Assert.DoesNotContain("workloads", File.ReadAllText(path));
        Assert.Null(ManifestFile.ReadBuilt(path).Workloads);
        Assert.Equal([Closure], ManifestClosures.Read(path));
    }
}
