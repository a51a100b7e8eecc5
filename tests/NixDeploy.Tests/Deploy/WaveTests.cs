using System.Globalization;
using System.Text.Json.Nodes;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Deploy;

public sealed class WaveHosts() : TestHosts(first: 30, count: 7);

/// <summary>
/// NixDeployWaves, NixDeployMaxFailures and NixDeployRollbackWave on real hosts, with the values exactly as a user types
/// them in bash: one argument to dotnet build (-p:...) or the tool's options.
/// </summary>
public sealed class WaveTests(WaveHosts hosts) : IClassFixture<WaveHosts>
{
    // Fails every attempt for 10 s: its machine fails (and rolls back) well after a healthy one's watchdog deadline
    // (3 s of health checks and the 3 s NixDeployConfirmTimeout after its activation).
    private const string SlowlyFailingCheck = """[ { command = "false"; timeout = 10; interval = 1; } ]""";

    [Fact]
    public async Task Waves_run_one_after_the_other_a_share_takes_its_part_of_what_is_left_and_plan_prints_them()
    {
        var a = hosts.Lease(3);
        using var fleet = await DeployFleet.CreateAsync("waves-order", hosts,
            DeployFleet.Machine("canary-1", a[0]) with { Labels = ["canary"] }, DeployFleet.Machine("web-1", a[1]), DeployFleet.Machine("web-2", a[2]));

        var result = await fleet.Deploy().WithArgument("-p:NixDeployWaves=@canary/50%").BuildAsync();

        result.AssertSucceeded();
        Assert.Equal(["1 @canary: canary-1 healthy", "2 50%: web-1 healthy", "3 *: web-2 healthy"], Waves(fleet));
        Assert.Equal([1, 2, 3], new[] { "canary-1", "web-1", "web-2" }.Select(machine => fleet.MachineReport(machine)["wave"]!.GetValue<int>()));
        // Each wave started after the one before had finished.
        Assert.True(Time(fleet, "canary-1", "finishedAt") <= Time(fleet, "web-1", "startedAt"), "web-1 started before the canary's wave had finished");
        Assert.True(Time(fleet, "web-1", "finishedAt") <= Time(fleet, "web-2", "startedAt"), "web-2 started before wave 2 had finished");
        for (var i = 0; i < 3; i++)
            Assert.Equal(fleet.Closure(new[] { "canary-1", "web-1", "web-2" }[i]), await hosts.LiveSystemAsync(a[i]));

        var plan = await InstalledTool.RunAsync(fleet.Project.Directory, "plan", "--waves", "@canary/50%");

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("wave 1 (@canary): canary-1", plan.StandardOutput);
        Assert.Contains("wave 2 (50%): web-1", plan.StandardOutput);
        Assert.Contains("wave 3 (*): web-2", plan.StandardOutput);
    }

    [Fact]
    public async Task A_failing_first_wave_leaves_the_next_untouched_until_MaxFailures_as_a_count_or_a_share_allows_its_failures()
    {
        var a = hosts.Lease(2);
        using var fleet = await DeployFleet.CreateAsync("waves-budget", hosts,
            DeployFleet.Machine("gone-1", hosts.DeadAddress), DeployFleet.Machine("web-1", a[0]), DeployFleet.Machine("web-2", a[1]));

        var tool = await InstalledTool.RunAsync(fleet.Project.Directory, "deploy", "--waves", "gone-1+web-1/web-2");

        Assert.NotEqual(0, tool.ExitCode);
        Assert.Equal("unreachable", fleet.Status("gone-1"));
        Assert.Equal("deployed", fleet.Status("web-1"));
        AssertNotStarted(fleet, "web-2");
        Assert.Equal("", await hosts.LiveSystemAsync(a[1]));
        Assert.False(await hosts.InStoreAsync(a[1], fleet.Closure("web-2")), "the skipped wave's closure was copied");
        Assert.Equal(["1 gone-1+web-1: gone-1, web-1 over-budget", "2 web-2: web-2 not-started"], Waves(fleet));
        // The live view (plain lines, as redirected) and the summary say each machine's wave.
        Assert.Contains("web-2: wave 2", tool.StandardOutput);
        Assert.Contains("wave 1 (gone-1+web-1): 1 unreachable, 1 deployed; 1 failed, more than the 0 allowed: no further wave started", tool.StandardOutput);
        Assert.Contains("wave 2 (web-2): 1 skipped; not started", tool.StandardOutput);

        // 49% of a wave of two is no machine.
        (await fleet.Deploy().WithArgument("-p:NixDeployWaves=gone-1+web-1/web-2").WithArgument("-p:NixDeployMaxFailures=49%").BuildAsync()).AssertFailed();
        AssertNotStarted(fleet, "web-2");
        Assert.Equal("", await hosts.LiveSystemAsync(a[1]));

        var half = await InstalledTool.RunAsync(fleet.Project.Directory, "deploy", "--waves", "gone-1+web-1/web-2", "--max-failures", "50%");

        Assert.NotEqual(0, half.ExitCode);
        Assert.Equal("deployed", fleet.Status("web-2"));
        Assert.Equal(fleet.Closure("web-2"), await hosts.LiveSystemAsync(a[1]));
        Assert.Equal(["1 gone-1+web-1: gone-1, web-1 healthy", "2 web-2: web-2 healthy"], Waves(fleet));

        (await fleet.Deploy().WithArgument("-p:NixDeployWaves=gone-1+web-1/web-2").WithArgument("-p:NixDeployMaxFailures=1").BuildAsync()).AssertFailed();
        Assert.Equal("unchanged", fleet.Status("web-2"));
        Assert.Equal(2, fleet.MachineReport("web-2")["wave"]!.GetValue<int>());
    }

    [Fact]
    public async Task RollbackWave_returns_a_healthy_machine_to_its_previous_system_with_its_wave_and_a_wave_within_budget_confirms_it_after_a_long_wait()
    {
        var a = hosts.Lease(2);
        using var fleet = await DeployFleet.CreateAsync("waves-rollback", hosts,
            DeployFleet.Machine("web-1", a[0]), DeployFleet.Machine("slow-1", a[1]) with { HealthChecksNix = SlowlyFailingCheck },
            DeployFleet.Machine("later-1", hosts.DeadAddress));
        (await fleet.Deploy().WithArgument("-p:NixDeployOn=web-1").BuildAsync()).AssertSucceeded();
        var previous = fleet.Closure("web-1");
        await fleet.ReconfigureAsync("web-1", machine => machine with { Configuration = machine.Configuration + "\n  users.motd = \"wave 2\";" });

        var result = await fleet.Deploy().WithArgument("-p:NixDeployWaves=web-1+slow-1/later-1").WithArgument("-p:NixDeployRollbackWave=true").BuildAsync();

        result.AssertFailed();
        var next = fleet.Closure("web-1");
        Assert.NotEqual(previous, next);
        Assert.Equal("rolled-back", fleet.Status("web-1"));
        Assert.Equal("ND5046", fleet.ErrorCode("web-1"));
        Assert.Equal(["lock", "artifacts", "copy", "activate", "health-checks", "wave", "rollback"], fleet.Steps("web-1"));
        Assert.Equal(previous, await hosts.LiveSystemAsync(a[0]));
        Assert.Equal(previous, await hosts.ProfileAsync(a[0]));
        Assert.Equal("rolled-back", fleet.Status("slow-1"));
        Assert.Equal("ND5006", fleet.ErrorCode("slow-1"));
        AssertNotStarted(fleet, "later-1");
        Assert.Equal(["1 web-1+slow-1: slow-1, web-1 rolled-back", "2 later-1: later-1 not-started"], Waves(fleet));
        Assert.Contains(result.Errors, error => error.Code == "ND5046" && error.Message.StartsWith("web-1 (rolled-back)", StringComparison.Ordinal));
        Assert.Empty(await hosts.DeployStateDirectoriesAsync(a[0]));
        Assert.False(await hosts.WatchdogArmedAsync(a[0]));

        // Within budget, web-1 waits for slow-1 well past its own watchdog deadline (kept alive), then is confirmed.
        (await fleet.Deploy().WithArgument("-p:NixDeployWaves=web-1+slow-1/later-1").WithArgument("-p:NixDeployRollbackWave=true")
            .WithArgument("-p:NixDeployMaxFailures=1").BuildAsync()).AssertFailed();
        Assert.Equal("deployed", fleet.Status("web-1"));
        var waited = fleet.MachineReport("web-1")["steps"]!.AsArray().Single(step => step!["step"]!.GetValue<string>() == "wave")!["seconds"]!.GetValue<double>();
        Assert.True(waited > 6, $"web-1 waited {waited} s for its wave, within its own watchdog deadline: the wait proves nothing");
        Assert.Equal(next, await hosts.LiveSystemAsync(a[0]));
        Assert.Equal(next, await hosts.ProfileAsync(a[0]));
        Assert.Empty(await hosts.DeployStateDirectoriesAsync(a[0]));
        Assert.Equal("unreachable", fleet.Status("later-1"));
    }

    [Fact]
    public async Task A_bad_wave_or_budget_is_a_coded_error_naming_where_it_is_set_before_any_host_is_contacted()
    {
        using var fleet = await DeployFleet.CreateAsync("waves-bad", hosts, project => project.Property("NixDeployWaves", "@canry/*"),
            DeployFleet.Machine("canary-1", hosts.DeadAddress) with { Labels = ["canary"] }, DeployFleet.Machine("web-1", hosts.DeadAddress));

        var misspelt = await fleet.Deploy().BuildAsync();

        misspelt.AssertFailed();
        misspelt.AssertNoStackTrace();
        var error = Assert.Single(misspelt.Errors);
        Assert.Equal("ND5043", error.Code);
        Assert.Contains("did you mean @canary?", error.Message);
        Assert.Equal(fleet.Project.ProjectFile, error.File);
        Assert.False(File.Exists(fleet.ReportPath), "a report was written although nothing was deployed");

        foreach (var (argument, code, text) in new[]
        {
            ("-p:NixDeployWaves=@canary//*", "ND5042", "wave 2 is empty"),
            ("-p:NixDeployWaves=*/@canary", "ND5042", "Make '*' the last wave"),
            ("-p:NixDeployMaxFailures=lots", "ND5044", "NixDeployMaxFailures 'lots'"),
        })
        {
            var bad = await fleet.Deploy().WithArgument(argument).BuildAsync();

            bad.AssertFailed();
            var failure = Assert.Single(bad.Errors);
            Assert.Equal(code, failure.Code);
            Assert.Contains(text, failure.Message);
            Assert.Contains("on the command line", failure.Message);
            Assert.False(File.Exists(fleet.ReportPath), $"{argument}: a report was written although nothing was deployed");
        }
    }

    [Fact]
    public async Task The_live_table_shows_each_machines_wave()
    {
        using var fleet = await DeployFleet.CreateAsync("waves-live", hosts,
            DeployFleet.Machine("canary-1", hosts.DeadAddress) with { Labels = ["canary"] }, DeployFleet.Machine("web-1", hosts.DeadAddress));

        var (deploy, screen) = await InstalledTool.RunOnScreenAsync(fleet.Project.Directory, 120, "deploy", "--waves", "@canary/web-1");

        Assert.NotEqual(0, deploy.ExitCode);
        Assert.Matches(@"^│ machine +│ wave │ step +│ +elapsed │$", screen.Lines.Single(line => line.Contains("│ machine", StringComparison.Ordinal)));
        Assert.Contains(screen.Lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^│ canary-1 +│ +1 │ unreachable +│"));
        Assert.Contains(screen.Lines, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^│ web-1 +│ +2 │ skipped +│"));
        Assert.Contains("wave 2 (web-1): 1 skipped; not started", screen.Text);
    }

    private static void AssertNotStarted(DeployFleet fleet, string machine)
    {
        Assert.Equal("skipped", fleet.Status(machine));
        Assert.Equal("ND5045", fleet.ErrorCode(machine));
        Assert.Contains("did not start", fleet.MachineReport(machine)["errorMessage"]!.GetValue<string>());
    }

    private static List<string> Waves(DeployFleet fleet) => fleet.Report()["waves"]!.AsArray()
        .Select(wave => $"{wave!["number"]} {wave["spec"]}: {string.Join(", ", wave["machines"]!.AsArray().Select(m => m!.GetValue<string>()))} {wave["outcome"]}")
        .ToList();

    private static DateTimeOffset Time(DeployFleet fleet, string machine, string field) =>
        DateTimeOffset.Parse(fleet.MachineReport(machine)[field]!.GetValue<string>(), CultureInfo.InvariantCulture);
}
