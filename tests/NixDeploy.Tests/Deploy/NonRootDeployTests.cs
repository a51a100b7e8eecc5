using System.Text.Json.Nodes;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Live;
using NixDeploy.Processes;
using NixDeploy.Ssh;
using NixDeploy.Tests.Fleets;

namespace NixDeploy.Tests.Deploy;

/// <summary>
/// Multi-user hosts (start-hosts.sh --non-root-users): a nix-daemon per host that trusts root and deploy, the users
/// deploy (passwordless sudo and doas) and nosudo (neither). Host 5 (<see cref="UntrustingAddress"/>) has a daemon
/// that trusts root only; the tests lease at most the first four.
/// </summary>
public sealed class NonRootHosts() : TestHosts(first: 21, count: 5, "--non-root-users", "--untrusting-daemon", "5")
{
    public string UntrustingAddress => "127.0.0.25";
}

/// <summary>
/// Deploys as a non-root SSH user (blueprint <c>deployment.sshUser</c>, <c>deployment.privilegeEscalation</c>): every host
/// step that needs root runs through sudo or doas, the watchdog and the rollback included; a user who may not become
/// root, or whose copy the host's Nix daemon refuses, gets a coded error and the host stays as it was.
/// </summary>
public sealed class NonRootDeployTests(NonRootHosts hosts) : IClassFixture<NonRootHosts>
{
    private static TestMachine As(string name, string address, string deployment) =>
        DeployFleet.Machine(name, address) with { DeploymentNix = deployment };

    [Fact]
    public async Task A_deploy_as_a_sudo_or_doas_user_activates_as_root_rolls_back_through_its_watchdog_and_rolls_back_by_hand()
    {
        var a = hosts.Lease(2);
        using var fleet = await DeployFleet.CreateAsync("nonroot", hosts,
            As("web-1", a[0], """sshUser = "deploy";"""),
            As("web-2", a[1], """sshUser = "deploy"; privilegeEscalation = "doas";"""));

        (await fleet.Deploy().BuildAsync()).AssertSucceeded();

        var manifest = JsonNode.Parse(File.ReadAllText(fleet.Project.PathOf("bin/nixdeploy/deployment.json")))!;
        Assert.Equal("sudo", manifest["blueprint"]!["web-1"]!["deployment"]!["privilegeEscalation"]!.GetValue<string>());
        Assert.Equal("doas", manifest["blueprint"]!["web-2"]!["deployment"]!["privilegeEscalation"]!.GetValue<string>());
        var first = fleet.Closure("web-1");
        foreach (var (machine, address) in new[] { ("web-1", a[0]), ("web-2", a[1]) })
        {
            Assert.Equal("deployed", fleet.Status(machine));
            Assert.Equal(fleet.Closure(machine), await hosts.LiveSystemAsync(address));
            Assert.Equal([$"1:{fleet.Closure(machine)}"], await hosts.ProfileGenerationsAsync(address));
            // The agent ran as root: it created the lock.
            Assert.Equal("root", await hosts.RunAsync(address, "stat -c %U /run/nixdeploy/deploy.lock"));
        }

        // An unhealthy system: the deployer asks the watchdog, started by the activation's session that has ended since,
        // to roll back; it can only move the profile back and delete the generation as root.
        await fleet.ReconfigureAsync("web-1", m => m with { Configuration = "nixdeploy.standin.services.web.healthy = false;" });
        (await fleet.Deploy().BuildAsync()).AssertFailed();

        Assert.Equal("rolled-back", fleet.Status("web-1"));
        Assert.Equal("ND5006", fleet.ErrorCode("web-1"));
        Assert.Equal(first, await hosts.LiveSystemAsync(a[0]));
        Assert.Equal([$"1:{first}"], await hosts.ProfileGenerationsAsync(a[0]));
        Assert.Contains("rolled-back: live system is", File.ReadAllText(fleet.MachineReport("web-1")["log"]!.GetValue<string>()));
        Assert.False(await hosts.WatchdogArmedAsync(a[0]));

        // A healthy new system, then dotnet nixdeploy rollback's LiveHost, from a deployment spec without the field (an
        // older deployment.json): sudo, the default for a user other than root.
        await fleet.ReconfigureAsync("web-1", m => m with { Configuration = DeployFleet.Machine("web-1", "").Configuration + "\n  services.extra.enable = true;" });
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        var second = fleet.Closure("web-1");
        Assert.Equal(second, await hosts.LiveSystemAsync(a[0]));
        var host = new LiveHost("web-1", new DeploymentSpec(a[0], "ssh", "deploy", TestHosts.Port, [], AutoRollback: true),
            new SshOptions(hosts.IdentityFile, hosts.KnownHostsFile), NullCommandLog.Instance);

        var state = await host.RollbackAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(first, state.Closure);
        Assert.Equal(first, await hosts.LiveSystemAsync(a[0]));
        Assert.Equal(first, await hosts.ProfileAsync(a[0]));
    }

    [Fact]
    public async Task A_user_without_sudo_rights_and_a_copy_the_daemon_refuses_get_coded_errors_and_leave_the_hosts_as_they_were()
    {
        var a = hosts.Lease(1);
        using var fleet = await DeployFleet.CreateAsync("nonrootrefused", hosts,
            As("nosudo", a[0], """sshUser = "nosudo";"""),
            As("untrusted", hosts.UntrustingAddress, """sshUser = "deploy";"""));

        var result = await fleet.Deploy().BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        Assert.Equal("failed", fleet.Status("nosudo"));
        Assert.Equal("ND5050", fleet.ErrorCode("nosudo"));
        Assert.Contains(result.Errors, e => e.Code == "ND5050" && e.Message.Contains("sudo -n true", StringComparison.Ordinal));
        Assert.Equal("failed", fleet.Status("untrusted"));
        Assert.Equal("ND5051", fleet.ErrorCode("untrusted"));
        Assert.Contains(result.Errors, e => e.Code == "ND5051" && e.Message.Contains("trusted-users", StringComparison.Ordinal));
        foreach (var (machine, address) in new[] { ("nosudo", a[0]), ("untrusted", hosts.UntrustingAddress) })
        {
            Assert.Equal("", await hosts.LiveSystemAsync(address));
            Assert.Equal("", await hosts.ProfileAsync(address));
            Assert.False(await hosts.InStoreAsync(address, fleet.Closure(machine)));
        }
        // Refused before the agent ran: not even its state directory was made.
        Assert.Equal("none", await hosts.RunAsync(a[0], "if [ -e /run/nixdeploy ]; then echo exists; else echo none; fi"));

        // status and rollback (dotnet nixdeploy's, the control plane's) check the same way.
        var host = new LiveHost("nosudo", new DeploymentSpec(a[0], "ssh", "nosudo", TestHosts.Port, [], AutoRollback: true),
            new SshOptions(hosts.IdentityFile, hosts.KnownHostsFile), NullCommandLog.Instance);
        var state = await host.ReadAsync(CancellationToken.None);
        Assert.Equal(("ND5050", true), (state.ErrorCode, state.Reachable));
        var rollback = await Assert.ThrowsAsync<NixDeployException>(() => host.RollbackAsync(TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Equal("ND5050", rollback.Code);
    }
}
