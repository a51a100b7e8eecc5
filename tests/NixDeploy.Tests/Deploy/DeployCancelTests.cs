using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using CliWrap;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Deploy;

public sealed class DeployCancelHosts() : TestHosts(first: 211, count: 2);

/// <summary>
/// Ctrl-C (SIGINT to the tool) during <c>dotnet nixdeploy deploy</c>, after activation: the report is written, each
/// machine's watchdog deadline is shown with the rollback command, <c>status</c> reads the hosts' watchdogs and never
/// calls an unconfirmed system desired, and <c>rollback</c> has a pending watchdog roll back at once.
/// </summary>
public sealed class DeployCancelTests(DeployCancelHosts hosts) : IClassFixture<DeployCancelHosts>
{
    [Fact]
    public async Task SIGINT_after_activation_writes_the_report_shows_the_watchdog_deadlines_and_status_reads_the_hosts_watchdogs()
    {
        var a = hosts.Lease(2);
        using var fleet = await DeployFleet.CreateAsync("cancel", hosts, DeployFleet.Machine("web-1", a[0]), DeployFleet.Machine("web-2", a[1]));
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        var v1 = new[] { fleet.Closure("web-1"), fleet.Closure("web-2") };
        // A health check that holds the deploy after activation; its 30 s budget (+ 3 s NixDeployConfirmTimeout) sets the watchdog's deadline.
        foreach (var machine in new[] { "web-1", "web-2" })
            await fleet.ReconfigureAsync(machine, m => m with
            {
                Configuration = m.Configuration + "\n  services.extra.enable = true;",
                HealthChecksNix = """[ { command = "sleep 60"; timeout = 30; interval = 1; } ]""",
            });
        var reportBefore = File.ReadAllText(fleet.ReportPath);

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var tool = Cli.Wrap(await InstalledTool.PathAsync()).WithArguments(["deploy"]).WithWorkingDirectory(fleet.Project.Directory)
            .WithEnvironmentVariables(InstalledTool.Environment).WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout)).WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None).ExecuteAsync();
        string[] v2 = [];
        await TestHosts.WaitUntilAsync(async () =>
        {
            if (tool.Task.IsCompleted)
                return true;
            var live = new[] { await hosts.LiveSystemAsync(a[0]), await hosts.LiveSystemAsync(a[1]) };
            v2 = live;
            return live[0] != v1[0] && live[1] != v1[1] && live.All(l => l.Length > 0);
        }, TimeSpan.FromMinutes(3), "both machines to be activated");
        Assert.False(tool.Task.IsCompleted, $"the deploy ended before it could be interrupted:\n{stdout}\n{stderr}");
        var clock = Stopwatch.StartNew();

        Process.Start("kill", ["-INT", tool.ProcessId.ToString()])!.WaitForExit();
        var result = await tool;

        var output = stdout.ToString();
        Assert.True(result.ExitCode == 130, $"exit {result.ExitCode}\n{output}\n{stderr}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the tool took {clock.Elapsed} to stop");
        // The report of this run, for what is known: both cancelled during activation, with the watchdogs' deadlines.
        Assert.True(reportBefore != File.ReadAllText(fleet.ReportPath), $"no report of this run:\n{output}\n{stderr}");
        foreach (var (machine, i) in new[] { ("web-1", 0), ("web-2", 1) })
        {
            var report = fleet.MachineReport(machine);
            Assert.Equal("ND5015", report["errorCode"]!.GetValue<string>());
            var deadline = DateTimeOffset.Parse(report["watchdogDeadline"]!.GetValue<string>());
            Assert.InRange(deadline, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddSeconds(40));
            Assert.Contains($"  {machine}: cancelled during activation, unconfirmed: its watchdog rolls it back to {v1[i]} at {deadline.ToUniversalTime():HH:mm:ss} UTC", output);
        }
        Assert.Contains("Roll back now instead of waiting: dotnet nixdeploy rollback web-1 web-2", output);
        Assert.True(await hosts.WatchdogArmedAsync(a[0]));

        // status: the hosts' own watchdogs, pending; an unconfirmed system is not desired.
        var pending = await InstalledTool.RunAsync(fleet.Project.Directory, "status");

        Assert.True(pending.ExitCode == 1, pending.ToString());
        Assert.Contains($"web-1 {a[0]} reachable=yes live={v2[0]} generation=2 desired=no last-deploy=failed watchdog=\"pending rollback at ", pending.StandardOutput);
        Assert.Contains("web-1 runs its desired closure, but that deploy was never confirmed (pending rollback at", pending.StandardOutput);

        // rollback: the pending watchdog rolls web-2 back now.
        var rollback = await InstalledTool.RunAsync(fleet.Project.Directory, "rollback", "web-2");

        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal(v1[1], await hosts.LiveSystemAsync(a[1]));
        Assert.Equal([$"1:{v1[1]}"], await hosts.ProfileGenerationsAsync(a[1]));
        Assert.Equal(v1[1], await hosts.BootEntryAsync(a[1]));
        Assert.False(await hosts.WatchdogArmedAsync(a[1]));

        // web-1's watchdog rolls back by itself at its deadline; status says so.
        await TestHosts.WaitUntilAsync(async () => await hosts.LiveSystemAsync(a[0]) == v1[0], TimeSpan.FromSeconds(90), "web-1 to roll back by itself");
        await TestHosts.WaitUntilAsync(async () => !await hosts.WatchdogArmedAsync(a[0]), TimeSpan.FromSeconds(20), "web-1's watchdog to finish");
        var after = await InstalledTool.RunAsync(fleet.Project.Directory, "status");

        Assert.True(after.ExitCode == 1, after.ToString());
        Assert.Contains($"web-1 {a[0]} reachable=yes live={v1[0]} generation=1 desired=no last-deploy=failed watchdog=\"rolled back by its watchdog\"", after.StandardOutput);
        Assert.Contains($"web-2 {a[1]} reachable=yes live={v1[1]} generation=1 desired=no last-deploy=failed", after.StandardOutput);
        Assert.DoesNotContain("web-2 runs another closure than its desired one (", after.StandardOutput);
    }
}
