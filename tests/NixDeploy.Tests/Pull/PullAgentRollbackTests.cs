using NixDeploy.Tests.Deploy;

namespace NixDeploy.Tests.Pull;

public sealed class PullRollbackHosts() : TestHosts(first: 63, count: 6);

/// <summary>
/// What a pull agent does when a deployment must not stick: the server's confirmation never comes (the host rolls back
/// by itself), a health check fails (rolled back and reported), the cache serves a tampered NAR (refused, nothing
/// activated). Each machine first runs a good deployment, the system it must return to.
/// </summary>
public sealed class PullAgentRollbackTests(PullRollbackHosts hosts) : IClassFixture<PullRollbackHosts>
{
    [Fact]
    public async Task A_server_that_stops_right_after_activation_never_confirms_and_the_host_rolls_back_by_itself()
    {
        var address = hosts.Lease(1)[0];
        await using var pull = await PullFleet.CreateAsync("pull-unconfirmed", hosts, PullFleet.Pull("laptop-1", address));
        var first = await DeployGoodAsync(pull, address);
        // The health check holds the deploy after activation long enough to stop the server.
        await pull.Fleet.ReconfigureAsync("laptop-1", m => m with
        {
            Configuration = m.Configuration + "\n  services.extra.enable = true;",
            HealthChecksNix = """[ { command = "sleep 5"; timeout = 15; interval = 1; } ]""",
        });

        (await pull.Deploy(("NixDeployWait", "false")).BuildAsync()).AssertSucceeded();
        var second = pull.Fleet.Closure("laptop-1");
        var id = await pull.LatestDeploymentAsync();
        await TestHosts.WaitUntilAsync(async () => await hosts.LiveSystemAsync(address) == second, TimeSpan.FromMinutes(2), "laptop-1 to activate the second deployment");
        await pull.Server.StopAsync();

        // The watchdog's deadline: the health checks' 15 s and the confirm timeout's 3 s after activation.
        await TestHosts.WaitUntilAsync(async () => await hosts.LiveSystemAsync(address) == first, TimeSpan.FromSeconds(60),
            $"laptop-1 to roll back to {first} by itself:\n{pull.AgentLogs}");
        Assert.Equal(first, await hosts.BootEntryAsync(address));
        Assert.Equal(first, await hosts.ProfileAsync(address));
        Assert.False(await hosts.WatchdogArmedAsync(address));

        // The report waited for the server: once it is back, it knows.
        await pull.Server.RestartAsync();
        var rollout = await pull.WaitForRolloutAsync(id, "laptop-1", "rolled-back", TimeSpan.FromSeconds(60));
        Assert.Equal("ND5071", rollout["errorCode"]!.GetValue<string>());
        Assert.Equal(first, await hosts.LiveSystemAsync(address));
    }

    [Fact]
    public async Task A_failing_health_check_rolls_the_pull_machine_back_and_the_deploy_reports_it_with_its_code()
    {
        var address = hosts.Lease(1)[0];
        await using var pull = await PullFleet.CreateAsync("pull-unhealthy", hosts, PullFleet.Pull("laptop-1", address));
        var first = await DeployGoodAsync(pull, address);
        await pull.Fleet.ReconfigureAsync("laptop-1", m => m with { Configuration = "nixdeploy.standin.services.web.healthy = false;" });

        var deploy = await pull.Deploy().BuildAsync();

        deploy.AssertFailed();
        deploy.AssertNoStackTrace();
        var error = Assert.Single(deploy.Errors);
        Assert.Equal("ND5006", error.Code);
        Assert.StartsWith("laptop-1 (rolled-back)", error.Message);
        Assert.Equal(("rolled-back", "ND5006"), (pull.Fleet.Status("laptop-1"), pull.Fleet.ErrorCode("laptop-1")));
        Assert.Equal(first, await hosts.LiveSystemAsync(address));
        Assert.Equal(first, await hosts.BootEntryAsync(address));
        var rollout = await pull.RolloutAsync(await pull.LatestDeploymentAsync(), "laptop-1");
        Assert.Equal(("rolled-back", "ND5006"), (rollout["status"]!.GetValue<string>(), rollout["errorCode"]!.GetValue<string>()));
        Assert.Contains("grep -qx healthy /run/standin/services/web", rollout["errorMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_tampered_NAR_in_the_cache_is_refused_and_nothing_is_activated()
    {
        var address = hosts.Lease(1)[0];
        await using var pull = await PullFleet.CreateAsync("pull-tampered", hosts, PullFleet.Pull("laptop-1", address));
        var first = await DeployGoodAsync(pull, address);
        await pull.Fleet.ReconfigureAsync("laptop-1", m => m with { Configuration = m.Configuration + "\n  services.extra.enable = true;" });
        await pull.StopAgentsAsync();
        (await pull.Deploy(("NixDeployPullTimeout", "1")).BuildAsync()).AssertSucceeded();
        var second = pull.Fleet.Closure("laptop-1");
        var id = await pull.LatestDeploymentAsync();
        // One byte of the toplevel's NAR changed in the server's cache folder; its signed narinfo stays as it was.
        var nar = pull.CachedNarFile(second);
        var bytes = File.ReadAllBytes(nar);
        bytes[bytes.Length / 2] ^= 0x55;
        File.WriteAllBytes(nar, bytes);

        var agent = await pull.StartAgentAsync("laptop-1", address);

        var rollout = await pull.WaitForRolloutAsync(id, "laptop-1", "failed", TimeSpan.FromMinutes(2));
        Assert.Equal("ND5070", rollout["errorCode"]!.GetValue<string>());
        Assert.Contains("nothing was activated", rollout["errorMessage"]!.GetValue<string>());
        Assert.Equal(first, await hosts.LiveSystemAsync(address));
        Assert.Equal(first, await hosts.ProfileAsync(address));
        // Nix may leave unpacked bytes behind, but never a valid path.
        Assert.Equal("", await hosts.RunAsync(address, $"if nix-store --check-validity {second} 2>/dev/null; then echo valid; fi"));
        Assert.Contains("ND5070", agent.Log);
    }

    /// <summary>Deploys laptop-1's healthy first system with its agent running; returns that closure.</summary>
    private async Task<string> DeployGoodAsync(PullFleet pull, string address)
    {
        await pull.StartAgentAsync("laptop-1", address);
        (await pull.Deploy().BuildAsync()).AssertSucceeded();
        var closure = pull.Fleet.Closure("laptop-1");
        Assert.Equal(closure, await hosts.LiveSystemAsync(address));
        return closure;
    }
}
