using NixDeploy.Tests.Fleets;

namespace NixDeploy.Tests.Spine;

public sealed class ChangeDetectionTests
{
    [Fact]
    public async Task Against_the_previous_manifest_each_machine_is_unchanged_changed_added_or_removed()
    {
        var fleet = new TestFleet()
            .Machine("web-1", "127.0.0.11", 2222, "web")
            .Machine("web-2", "127.0.0.12", 2222, "web")
            .Machine("db-1", "127.0.0.13", 2222, "db");
        using var project = await fleet.Project("changes", p => p.Raw("""
            <Target Name="ShowChanges" AfterTargets="GenerateArtifacts">
              <Message Importance="high" Text="CHANGED=$(NixDeployChanged) @(NixDeployChangedMachine->'%(Identity):%(Change)')" />
            </Target>
            """)).CreateAsync();
        (await project.Dotnet().BuildAsync()).AssertSucceeded();
        var previous = Path.Combine(project.Folder, "previous-deployment.json");
        File.Copy(Manifests.PathIn(project), previous);

        var same = await project.Dotnet().WithProperty("NixDeployPreviousManifest", previous).BuildAsync();
        same.AssertSucceeded();
        Assert.Contains("CHANGED=False", same.StandardOutput);
        Assert.All(Manifests.Changes(Manifests.Read(project)).Values, change => Assert.Equal("unchanged", change));

        // web-1 changes, web-2 leaves the fleet, app-1 joins it.
        File.WriteAllText(project.PathOf("machines/web-1.nix"), """{ ... }: { networking.hostName = "web-1"; services.nginx.enable = true; }""");
        File.Delete(project.PathOf("machines/web-2.nix"));
        File.WriteAllText(project.PathOf("machines/app-1.nix"), """{ ... }: { networking.hostName = "app-1"; }""");
        File.WriteAllText(project.PathOf("machines.nix"), """
            {
              web-1 = { addr = "127.0.0.11"; port = 2222; labels = [ "web" ]; healthChecks = [ ]; };
              db-1 = { addr = "127.0.0.13"; port = 2222; labels = [ "db" ]; healthChecks = [ ]; };
              app-1 = { addr = "127.0.0.14"; port = 2222; labels = [ "app" ]; healthChecks = [ ]; };
            }
            """);
        await Infrastructure.GitRepository.CommitAllAsync(project.Directory, "change the fleet");

        var changed = await project.Dotnet().WithProperty("NixDeployPreviousManifest", previous).BuildAsync();

        changed.AssertSucceeded();
        Assert.Equal(
            new Dictionary<string, string> { ["app-1"] = "added", ["db-1"] = "unchanged", ["web-1"] = "changed", ["web-2"] = "removed" },
            Manifests.Changes(Manifests.Read(project)));
        Assert.Contains("CHANGED=True", changed.StandardOutput);
        Assert.Contains("app-1:added", changed.StandardOutput);
        Assert.Contains("web-1:changed", changed.StandardOutput);
    }

    [Fact]
    public async Task An_empty_blueprint_never_replaces_a_manifest_that_has_machines_while_a_fresh_empty_fleet_builds()
    {
        using var project = await new TestFleet().Machine("web-1", "127.0.0.11", 2222, "web").Project("emptied").CreateAsync();
        (await project.Dotnet().BuildAsync()).AssertSucceeded();
        var good = File.ReadAllBytes(Manifests.PathIn(project));

        project.WriteFile("machines.nix", "{ }\n");
        await Infrastructure.GitRepository.CommitAllAsync(project.Directory, "the machines are gone");
        var emptied = await project.Dotnet().BuildAsync();

        emptied.AssertFailed();
        emptied.AssertNoStackTrace();
        var error = Assert.Single(emptied.Errors, e => e.Code == "ND1130");
        Assert.Contains("web-1", error.Message);
        Assert.EndsWith("flake.nix", error.File);
        Assert.Equal(good, File.ReadAllBytes(Manifests.PathIn(project)));

        using var fresh = await new TestFleet().Project("emptyfleet").CreateAsync();
        var first = await fresh.Dotnet().BuildAsync();
        first.AssertSucceeded();
        Assert.Contains(first.Warnings, w => w.Code == "ND1113");
        Assert.Empty(Manifests.Closures(Manifests.Read(fresh)));
        File.AppendAllText(fresh.PathOf("flake.nix"), "\n");
        (await fresh.Dotnet().BuildAsync()).AssertSucceeded();
    }
}
