using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Deploy;

public sealed class FleetDeployHosts() : TestHosts(first: 100, count: 5);

/// <summary>Deploying a healthy fleet through dotnet build -t:Deploy, and the dry run, against real test hosts.</summary>
public sealed class FleetDeployTests(FleetDeployHosts hosts) : IClassFixture<FleetDeployHosts>
{
    // The deploy's own steps; other features may add theirs (artifacts) between them.
    private static readonly string[] DeploySteps = ["lock", "copy", "activate", "health-checks", "confirm", "rollback"];

    [Fact]
    public async Task Fresh_fleet_is_deployed_live_and_booted_then_a_second_deploy_changes_nothing()
    {
        var addresses = hosts.Lease(3);
        using var fleet = await DeployFleet.CreateAsync("fresh", hosts,
            DeployFleet.Machine("web-1", addresses[0]), DeployFleet.Machine("web-2", addresses[1]), DeployFleet.Machine("web-3", addresses[2]));

        var first = await fleet.Deploy().BuildAsync();

        first.AssertSucceeded();
        first.AssertNoStackTrace();
        foreach (var (machine, address) in new[] { ("web-1", addresses[0]), ("web-2", addresses[1]), ("web-3", addresses[2]) })
        {
            var closure = fleet.Closure(machine);
            Assert.Equal(closure, await hosts.LiveSystemAsync(address));
            Assert.Equal(closure, await hosts.BootEntryAsync(address));
            Assert.Equal([$"1:{closure}"], await hosts.ProfileGenerationsAsync(address));
            Assert.False(await hosts.WatchdogArmedAsync(address), $"{machine}'s watchdog is still armed after the confirmation");
            Assert.Equal("deployed", fleet.Status(machine));
            var report = fleet.MachineReport(machine);
            Assert.Null(report["previousClosure"]);
            Assert.Equal(closure, report["newClosure"]!.GetValue<string>());
            Assert.Equal(["lock", "copy", "activate", "health-checks", "confirm"], fleet.Steps(machine).Where(DeploySteps.Contains));
        }
        Assert.True(fleet.Report()["succeeded"]!.GetValue<bool>());

        var second = await fleet.Deploy().BuildAsync();

        second.AssertSucceeded();
        foreach (var (machine, address) in new[] { ("web-1", addresses[0]), ("web-2", addresses[1]), ("web-3", addresses[2]) })
        {
            Assert.Equal("unchanged", fleet.Status(machine));
            Assert.Equal(fleet.Closure(machine), fleet.MachineReport(machine)["previousClosure"]!.GetValue<string>());
            Assert.Equal(["lock"], fleet.Steps(machine).Where(DeploySteps.Contains));
            Assert.Single(await hosts.ProfileGenerationsAsync(address));
        }
    }

    [Fact]
    public async Task Dry_run_reports_unchanged_and_would_change_from_the_live_systems_and_changes_nothing()
    {
        var addresses = hosts.Lease(2);
        using var fleet = await DeployFleet.CreateAsync("dryrun", hosts,
            DeployFleet.Machine("web-1", addresses[0]), DeployFleet.Machine("web-2", addresses[1]));
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        var deployed = fleet.Closure("web-2");
        await fleet.ReconfigureAsync("web-2", m => m with { Configuration = m.Configuration + "\n  services.extra.enable = true;" });

        var dryRun = await fleet.Deploy(("NixDeployDryRun", "true")).BuildAsync();

        dryRun.AssertSucceeded();
        var wanted = fleet.Closure("web-2");
        Assert.NotEqual(deployed, wanted);
        Assert.True(fleet.Report()["dryRun"]!.GetValue<bool>());
        Assert.Equal("unchanged", fleet.Status("web-1"));
        Assert.Equal("would-change", fleet.Status("web-2"));
        Assert.Equal(deployed, fleet.MachineReport("web-2")["previousClosure"]!.GetValue<string>());
        Assert.Equal(deployed, await hosts.LiveSystemAsync(addresses[1]));
        Assert.Equal([$"1:{deployed}"], await hosts.ProfileGenerationsAsync(addresses[1]));
        Assert.False(await hosts.InStoreAsync(addresses[1], wanted), "the dry run copied the new closure to the host");
    }
}
