using System.Text.Json.Nodes;
using CliWrap;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Processes;
using NixDeploy.Ssh;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Deploy;

public sealed class FleetDeployHosts() : TestHosts(first: 100, count: 8);

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
    public async Task Every_step_runs_over_one_connection_that_the_next_deploy_reuses_unless_ControlPersist_is_0()
    {
        var addresses = hosts.Lease(2);
        using var kept = await DeployFleet.CreateAsync("persist", hosts, DeployFleet.Machine("web-1", addresses[0]));
        using var closed = await DeployFleet.CreateAsync("nopersist", hosts, DeployFleet.Machine("web-2", addresses[1]));
        string? Socket(string address) => new SshClient(new SshOptions(hosts.IdentityFile, hosts.KnownHostsFile),
            SshTarget.From("web", new DeploymentSpec(address, "ssh", "root", TestHosts.Port, [], AutoRollback: true), null), NullCommandLog.Instance).ControlPath;

        // The harness's own login when it started the hosts.
        var before = addresses.Select(hosts.ConnectionsAccepted).ToList();
        int Handshakes(int host) => hosts.ConnectionsAccepted(addresses[host]) - before[host];

        (await kept.Deploy().BuildAsync()).AssertSucceeded();
        (await closed.Deploy(("NixDeploySshControlPersist", "0")).BuildAsync()).AssertSucceeded();

        // Lock, nix copy, activation, health checks and confirmation: one handshake.
        Assert.Equal(1, Handshakes(0));
        Assert.Equal(1, Handshakes(1));
        Assert.True(File.Exists(Socket(addresses[0])), "the connection to web-1 was not kept open");
        Assert.False(File.Exists(Socket(addresses[1])), "the connection to web-2 outlived its deploy with ControlPersist 0");

        var again = await kept.Deploy().BuildAsync();
        var againClosed = await closed.Deploy(("NixDeploySshControlPersist", "0")).BuildAsync();

        again.AssertSucceeded();
        againClosed.AssertSucceeded();
        Assert.Equal("unchanged", kept.Status("web-1"));
        Assert.Equal("unchanged", closed.Status("web-2"));
        Assert.Equal(1, Handshakes(0));
        Assert.Equal(2, Handshakes(1));
    }

    [Fact]
    public async Task Over_a_host_s_open_connection_commands_run_without_a_new_handshake_with_their_stdin_output_and_exit_code()
    {
        var address = hosts.Lease(1)[0];
        var target = SshTarget.From("web", new DeploymentSpec(address, "ssh", "root", TestHosts.Port, [], AutoRollback: true), null);
        var ssh = new SshClient(new SshOptions(hosts.IdentityFile, hosts.KnownHostsFile), target, NullCommandLog.Instance);
        var timeout = TimeSpan.FromSeconds(30);
        // Nothing to share yet: this opens the connection and keeps it.
        Assert.Equal(0, (await ssh.RunAsync(["true"], "true", timeout, CancellationToken.None)).ExitCode);
        var handshakes = hosts.ConnectionsAccepted(address);

        var result = await ssh.RunAsync(["sh", "-c", "cat; echo out; echo err >&2; exit 7"], "io", timeout, CancellationToken.None, standardInput: "in\n");
        Assert.Equal((7, "in\nout\n", "err\n"), (result.ExitCode, result.StandardOutput, result.StandardError));

        var held = await SshHeldSession.StartAsync(ssh, ["sh", "-c", "echo ready; while read -r line; do :; done; echo 'stdin closed' >&2"], "held", "ready",
            timeout, CancellationToken.None);
        Assert.Null(held.ExitCode);
        Assert.Equal(["ready"], held.Lines);
        await held.DisposeAsync();
        Assert.Equal(0, held.ExitCode);
        Assert.Contains("stdin closed", held.StandardError);

        await Assert.ThrowsAsync<TimeoutException>(() => ssh.RunAsync(["sleep", "30"], "sleep", TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Equal(handshakes, hosts.ConnectionsAccepted(address));

        // With the connection closed, the next call opens a new one.
        await Cli.Wrap("ssh").WithArguments(["-o", $"ControlPath={ssh.ControlPath}", "-O", "exit", address]).WithValidation(CommandResultValidation.None).ExecuteAsync();
        await TestHosts.WaitUntilAsync(() => Task.FromResult(!File.Exists(ssh.ControlPath)), TimeSpan.FromSeconds(10), "the connection to close");
        Assert.Equal(0, (await ssh.RunAsync(["true"], "true", timeout, CancellationToken.None)).ExitCode);
        Assert.Equal(handshakes + 1, hosts.ConnectionsAccepted(address));

        var withoutSsh = new SshClient(ssh.Options with { Executable = "/nonexistent/ssh" }, target, NullCommandLog.Instance);
        var missing = await Assert.ThrowsAsync<NixDeployException>(() => withoutSsh.RunAsync(["true"], "true", timeout, CancellationToken.None));
        Assert.Equal(ErrorCodes.InvalidSshOption, missing.Code);
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

        var lastDeploy = File.ReadAllText(fleet.ReportPath);

        var dryRun = await fleet.Deploy(("NixDeployDryRun", "true")).BuildAsync();

        dryRun.AssertSucceeded();
        var wanted = fleet.Closure("web-2");
        Assert.NotEqual(deployed, wanted);
        // The dry run's report goes beside the last deploy's, which stays as it was.
        Assert.Equal(lastDeploy, File.ReadAllText(fleet.ReportPath));
        var plan = JsonNode.Parse(File.ReadAllText(fleet.Project.PathOf("bin/nixdeploy/deploy-dry-run.json")))!;
        Assert.True(plan["dryRun"]!.GetValue<bool>());
        Assert.Equal("unchanged", plan["machines"]!["web-1"]!["status"]!.GetValue<string>());
        Assert.Equal("would-change", plan["machines"]!["web-2"]!["status"]!.GetValue<string>());
        Assert.Equal(deployed, plan["machines"]!["web-2"]!["previousClosure"]!.GetValue<string>());
        Assert.Contains($"web-2 would change from {deployed} to {wanted}", dryRun.StandardOutput);
        Assert.Equal(deployed, await hosts.LiveSystemAsync(addresses[1]));
        Assert.Equal([$"1:{deployed}"], await hosts.ProfileGenerationsAsync(addresses[1]));
        Assert.False(await hosts.InStoreAsync(addresses[1], wanted), "the dry run copied the new closure to the host");
    }
}
