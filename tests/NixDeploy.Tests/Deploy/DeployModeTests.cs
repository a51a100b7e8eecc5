using System.Text.Json.Nodes;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Deploy;

public sealed class DeployModeHosts() : TestHosts(first: 204, count: 4);

/// <summary>
/// NixDeployDeployMode (and the tool's --mode) on real test hosts: what each mode does to the live system
/// (/run/current-system), the system profile and the stand-in's boot entry.
/// </summary>
public sealed class DeployModeTests(DeployModeHosts hosts) : IClassFixture<DeployModeHosts>
{
    private static (string, string) Mode(string mode) => ("NixDeployDeployMode", mode);

    [Fact]
    public async Task Dry_activate_changes_nothing_test_leaves_profile_and_boot_entry_boot_activates_nothing_and_switch_does_all()
    {
        var address = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("modes", hosts, DeployFleet.Machine("web-1", address));
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        var v1 = fleet.Closure("web-1");
        var lastDeploy = File.ReadAllText(fleet.ReportPath);
        await fleet.ReconfigureAsync("web-1", m => m with { Configuration = m.Configuration + "\n  services.extra.enable = true;" });

        // dry-activate: the closure is copied and asked what it would change; nothing else moves, not even the last report.
        var dry = await fleet.Deploy(Mode("dry-activate")).BuildAsync();

        dry.AssertSucceeded();
        var v2 = fleet.Closure("web-1");
        Assert.NotEqual(v1, v2);
        Assert.Equal(lastDeploy, File.ReadAllText(fleet.ReportPath));
        var dryReport = JsonNode.Parse(File.ReadAllText(fleet.Project.PathOf("bin/nixdeploy/deploy-dry-run.json")))!;
        Assert.Equal("dry-activate", dryReport["mode"]!.GetValue<string>());
        var dryMachine = dryReport["machines"]!["web-1"]!;
        Assert.Equal("would-change", dryMachine["status"]!.GetValue<string>());
        Assert.Contains($"would activate {v2}", dryMachine["dryActivation"]!.GetValue<string>());
        Assert.Contains($"would point /run/current-system at {v2}", dry.StandardOutput);
        Assert.True(await hosts.InStoreAsync(address, v2), "dry-activate did not copy the closure it asks");
        await AssertHostAsync(address, live: v1, profile: [$"1:{v1}"], boot: v1);

        // test: activated and health-checked under the watchdog, confirmed; profile and boot entry stay on v1.
        (await fleet.Deploy(Mode("test")).BuildAsync()).AssertSucceeded();

        Assert.Equal("deployed", fleet.Status("web-1"));
        Assert.Equal("test", fleet.Report()["mode"]!.GetValue<string>());
        Assert.Contains("health-checks", fleet.Steps("web-1"));
        await AssertHostAsync(address, live: v2, profile: [$"1:{v1}"], boot: v1);

        // switch of the closure test made live: not unchanged, as the next boot would leave it.
        (await fleet.Deploy(Mode("switch")).BuildAsync()).AssertSucceeded();

        Assert.Equal("deployed", fleet.Status("web-1"));
        await AssertHostAsync(address, live: v2, profile: [$"1:{v1}", $"2:{v2}"], boot: v2);

        // boot: profile and boot entry only; the live system stays, the report says a reboot is needed.
        await fleet.ReconfigureAsync("web-1", m => m with { Configuration = m.Configuration + "\n  services.third.enable = true;" });
        var boot = await fleet.Deploy(Mode("boot")).BuildAsync();

        boot.AssertSucceeded();
        var v3 = fleet.Closure("web-1");
        Assert.Equal("pending-reboot", fleet.Status("web-1"));
        Assert.True(fleet.MachineReport("web-1")["rebootRequired"]!.GetValue<bool>());
        Assert.DoesNotContain("activate", fleet.Steps("web-1"));
        Assert.DoesNotContain("health-checks", fleet.Steps("web-1"));
        Assert.Contains("web-1 boots " + v3 + " next: reboot it to run it", boot.StandardOutput);
        await AssertHostAsync(address, live: v2, profile: [$"1:{v1}", $"2:{v2}", $"3:{v3}"], boot: v3);

        // boot again: the profile already holds v3.
        (await fleet.Deploy(Mode("boot")).BuildAsync()).AssertSucceeded();
        Assert.Equal("unchanged", fleet.Status("web-1"));
        Assert.True(fleet.MachineReport("web-1")["rebootRequired"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Test_mode_is_health_checked_and_rolled_back_without_touching_profile_or_boot_entry()
    {
        var address = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("modetest", hosts, DeployFleet.Machine("web-1", address));
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        var v1 = fleet.Closure("web-1");
        await fleet.ReconfigureAsync("web-1", m => m with { Configuration = "nixdeploy.standin.services.web.healthy = false;" });

        var result = await fleet.Deploy(Mode("test")).BuildAsync();

        result.AssertFailed();
        Assert.Equal("rolled-back", fleet.Status("web-1"));
        Assert.Equal("ND5006", fleet.ErrorCode("web-1"));
        await AssertHostAsync(address, live: v1, profile: [$"1:{v1}"], boot: v1);
        Assert.Equal("healthy", await hosts.RunAsync(address, "cat /run/standin/services/web"));
        Assert.False(await hosts.WatchdogArmedAsync(address));
        Assert.Empty(await hosts.DeployStateDirectoriesAsync(address));

        var bad = await fleet.Deploy(Mode("reboot")).BuildAsync();

        bad.AssertFailed();
        Assert.Contains(bad.Errors, e => e.Code == "ND5011" && e.Message.Contains("NixDeployDeployMode 'reboot' is not a deploy mode"));
    }

    [Fact]
    public async Task The_tool_deploys_with_mode_boot_and_says_to_reboot()
    {
        var address = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("modetool", hosts, DeployFleet.Machine("web-1", address));

        var result = await InstalledTool.RunAsync(fleet.Project.Directory, "deploy", "--mode", "boot");
        var wrong = await InstalledTool.RunAsync(fleet.Project.Directory, "deploy", "--mode", "reboot");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("reboot web-1 to run the new system", result.StandardOutput);
        Assert.Contains("1 pending-reboot", result.StandardOutput);
        var closure = fleet.Closure("web-1");
        await AssertHostAsync(address, live: "", profile: [$"1:{closure}"], boot: closure);
        Assert.True(wrong.ExitCode == 2, wrong.ToString());
        Assert.Contains("'reboot' not recognized", wrong.StandardError);
        Assert.Contains("dry-activate", wrong.StandardError);
    }

    [Fact]
    public async Task Rollback_after_a_test_deploy_returns_to_the_system_the_host_boots()
    {
        var address = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("modetestback", hosts, DeployFleet.Machine("web-1", address));
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        var v1 = fleet.Closure("web-1");
        await fleet.ReconfigureAsync("web-1", m => m with { Configuration = m.Configuration + "\n  services.extra.enable = true;" });
        (await fleet.Deploy(Mode("test")).BuildAsync()).AssertSucceeded();
        await AssertHostAsync(address, live: fleet.Closure("web-1"), profile: [$"1:{v1}"], boot: v1);

        var back = await InstalledTool.RunAsync(fleet.Project.Directory, "rollback", "web-1");

        Assert.True(back.ExitCode == 0, back.ToString());
        Assert.Contains($"web-1: generation 1 is live ({v1})", back.StandardOutput);
        await AssertHostAsync(address, live: v1, profile: [$"1:{v1}"], boot: v1);
    }

    private async Task AssertHostAsync(string address, string live, IReadOnlyList<string> profile, string boot)
    {
        Assert.Equal(live, await hosts.LiveSystemAsync(address));
        Assert.Equal(profile, await hosts.ProfileGenerationsAsync(address));
        Assert.Equal(boot, await hosts.BootEntryAsync(address));
    }
}
