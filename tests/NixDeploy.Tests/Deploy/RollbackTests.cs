using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Live;
using NixDeploy.Processes;
using NixDeploy.Ssh;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Deploy;

public sealed class RollbackHosts() : TestHosts(first: 110, count: 7);

/// <summary>
/// Failures after activation, injected through the machines' configuration (the stand-in's fault options): each
/// host ends on its previous system, verified live on the host, and the build fails with the failure's code.
/// </summary>
public sealed class RollbackTests(RollbackHosts hosts) : IClassFixture<RollbackHosts>
{
    [Fact]
    public async Task Failed_hanging_and_unhealthy_activations_are_rolled_back_to_the_previous_system()
    {
        var a = hosts.Lease(4);
        using var fleet = await DeployFleet.CreateAsync("faults", hosts,
            DeployFleet.Machine("fails", a[0]), DeployFleet.Machine("hangs", a[1]), DeployFleet.Machine("unhealthy", a[2]));
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        var previous = new[] { "fails", "hangs", "unhealthy" }.ToDictionary(m => m, fleet.Closure);
        await fleet.ReconfigureAsync("fails", m => m with { Configuration = m.Configuration + "\n  nixdeploy.standin.activation = \"fail\";" });
        await fleet.ReconfigureAsync("hangs", m => m with { Configuration = m.Configuration + "\n  nixdeploy.standin.activation = \"hang\";" });
        await fleet.ReconfigureAsync("unhealthy", m => m with { Configuration = "nixdeploy.standin.services.web.healthy = false;" });

        var clock = Stopwatch.StartNew();
        var result = await fleet.Deploy().BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        foreach (var (machine, address, code) in new[] { ("fails", a[0], "ND5004"), ("hangs", a[1], "ND5005"), ("unhealthy", a[2], "ND5006") })
        {
            Assert.Equal("rolled-back", fleet.Status(machine));
            Assert.Equal(code, fleet.ErrorCode(machine));
            Assert.Contains(result.Errors, e => e.Code == code && e.Message.StartsWith(machine, StringComparison.Ordinal));
            Assert.Equal(previous[machine], await hosts.LiveSystemAsync(address));
            Assert.Equal(previous[machine], await hosts.ProfileAsync(address));
            Assert.Equal([$"1:{previous[machine]}"], await hosts.ProfileGenerationsAsync(address));
            Assert.Equal(previous[machine], await hosts.BootEntryAsync(address));
            Assert.False(await hosts.WatchdogArmedAsync(address));
            Assert.Empty(await hosts.DeployStateDirectoriesAsync(address));
        }
        Assert.Equal("healthy", await hosts.RunAsync(a[2], "cat /run/standin/services/web"));
        // The hanging activation was killed on the host, not only abandoned by the deployer.
        Assert.Equal("", await hosts.RunAsync(a[1], HangingActivations));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the faulty deploy took {clock.Elapsed}");
    }

    // The stand-in's hanging activation is "sleep infinity"; only processes in this host's mount namespace count.
    private const string HangingActivations =
        "for p in $(pgrep -x sleep); do [ /proc/$p/ns/mnt -ef /proc/self/ns/mnt ] && tr '\\0' ' ' < /proc/$p/cmdline | grep -x 'sleep infinity '; done; true";

    [Fact]
    public async Task A_failed_first_activation_is_rolled_back_to_no_system()
    {
        var a = hosts.Lease(1);
        using var fleet = await DeployFleet.CreateAsync("firstfails", hosts,
            DeployFleet.Machine("web-1", a[0]) with { Configuration = "nixdeploy.standin.activation = \"fail\";" });

        var result = await fleet.Deploy().BuildAsync();

        result.AssertFailed();
        Assert.Equal("rolled-back", fleet.Status("web-1"));
        Assert.Equal("ND5004", fleet.ErrorCode("web-1"));
        Assert.Equal("", await hosts.LiveSystemAsync(a[0]));
        Assert.Equal("", await hosts.ProfileAsync(a[0]));
        Assert.Empty(await hosts.ProfileGenerationsAsync(a[0]));
    }

    [Fact]
    public async Task A_host_whose_deployer_vanishes_after_activation_rolls_back_by_itself()
    {
        var a = hosts.Lease(1);
        using var fleet = await DeployFleet.CreateAsync("cutoff", hosts, DeployFleet.Machine("web-1", a[0]));
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        var previous = fleet.Closure("web-1");
        // A slow health check keeps the deployer busy after activation, long enough to cut it off.
        await fleet.ReconfigureAsync("web-1", m => m with
        {
            Configuration = m.Configuration + "\n  services.extra.enable = true;",
            HealthChecksNix = """[ { command = "sleep 20"; timeout = 6; interval = 1; } ]""",
        });

        using var cutOff = new CancellationTokenSource();
        var deploy = fleet.Deploy().WithTimeout(TimeSpan.FromMinutes(2)).BuildAsync();
        await TestHosts.WaitUntilAsync(async () => deploy.IsCompleted || (await hosts.LiveSystemAsync(a[0])) is var live && live.Length > 0 && live != previous,
            TimeSpan.FromSeconds(90), "the new system to be activated");
        Assert.False(deploy.IsCompleted, "the deploy ended before it could be cut off");
        var activated = await hosts.LiveSystemAsync(a[0]);
        DeployerProcesses.KillAll(fleet.Project.ProjectFile);
        await deploy.ContinueWith(_ => { });

        Assert.True(await hosts.WatchdogArmedAsync(a[0]), "no watchdog is armed on the host after activation");
        Assert.Equal(activated, await hosts.LiveSystemAsync(a[0]));
        // Health-check budget (6 s) + NixDeployConfirmTimeout (3 s) after activation, plus slack.
        await TestHosts.WaitUntilAsync(async () => await hosts.LiveSystemAsync(a[0]) == previous, TimeSpan.FromSeconds(30),
            "the host to roll back by itself");
        await TestHosts.WaitUntilAsync(async () => !await hosts.WatchdogArmedAsync(a[0]), TimeSpan.FromSeconds(10), "the watchdog to finish");
        Assert.Equal(previous, await hosts.ProfileAsync(a[0]));
        Assert.Equal([$"1:{previous}"], await hosts.ProfileGenerationsAsync(a[0]));
        Assert.Equal(previous, await hosts.BootEntryAsync(a[0]));
        Assert.Contains("rolled-back", await hosts.RunAsync(a[0], "cat /run/nixdeploy/*/watchdog.log"));
    }

    // The stand-in's healthy web service, without fault.
    private static readonly string Healthy = DeployFleet.Machine("web-1", "").Configuration;

    [Fact]
    public async Task A_manual_rollback_to_a_generation_that_does_not_activate_puts_profile_and_boot_entry_back_on_the_live_one()
    {
        var a = hosts.Lease(1);
        using var fleet = await DeployFleet.CreateAsync("manualfails", hosts,
            DeployFleet.Machine("web-1", a[0]) with { Configuration = Healthy + "\n  nixdeploy.standin.activation = \"fail\";" });
        // Generation 1: a system that does not activate, copied and set by hand (never activated).
        (await fleet.Project.Dotnet().WithEnvironment(NixEnvironment.Variables).BuildAsync()).AssertSucceeded();
        var failing = fleet.Closure("web-1");
        var copy = await Cli.Wrap("nix").WithArguments(["copy", "--to", $"ssh://root@{a[0]}", failing])
            .WithEnvironmentVariables(NixEnvironment.Variables.ToDictionary(v => v.Key, v => (string?)v.Value)
                .Append(new("NIX_SSHOPTS", $"-F {Path.Combine(hosts.Directory, "ssh_config")}")).ToDictionary())
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(copy.ExitCode == 0, copy.StandardError);
        await hosts.RunAsync(a[0], $"nix-env -p /nix/var/nix/profiles/system --set {failing}");
        // Generation 2, deployed: the live one.
        await fleet.ReconfigureAsync("web-1", m => m with { Configuration = Healthy });
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        var live = fleet.Closure("web-1");
        var host = new LiveHost("web-1", new DeploymentSpec(a[0], "ssh", "root", TestHosts.Port, [], AutoRollback: true),
            new SshOptions(hosts.IdentityFile, hosts.KnownHostsFile), NullCommandLog.Instance);

        var error = await Assert.ThrowsAsync<NixDeployException>(() => host.RollbackAsync(TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Equal(ErrorCodes.RollbackFailed, error.Code);
        Assert.Contains("Activating generation 1 on web-1 failed", error.Message);
        Assert.Equal(live, await hosts.ProfileAsync(a[0]));
        Assert.Equal(live, await hosts.BootEntryAsync(a[0]));
        Assert.Equal([$"1:{failing}", $"2:{live}"], await hosts.ProfileGenerationsAsync(a[0]));
    }
}
