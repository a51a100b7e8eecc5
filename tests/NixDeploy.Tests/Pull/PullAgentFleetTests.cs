using NixDeploy.Tests.Deploy;

namespace NixDeploy.Tests.Pull;

public sealed class PullFleetHosts() : TestHosts(first: 80, count: 8);

/// <summary>
/// Pull agents (Host/pull-agent.sh) in real test hosts against a real control plane: machines that fetch their own
/// deployments, next to push machines, when they come back from being away, across a server restart, and with the
/// wrong token.
/// </summary>
public sealed class PullAgentFleetTests(PullFleetHosts hosts) : IClassFixture<PullFleetHosts>
{
    [Fact]
    public async Task Three_pull_machines_and_a_push_machine_are_deployed_by_one_deployment_and_carry_on_after_the_server_restarts()
    {
        var a = hosts.Lease(4);
        string[] laptops = ["laptop-1", "laptop-2", "laptop-3"];
        await using var pull = await PullFleet.CreateAsync("pull-mixed", hosts,
            PullFleet.Pull(laptops[0], a[0]), PullFleet.Pull(laptops[1], a[1]), PullFleet.Pull(laptops[2], a[2]), DeployFleet.Machine("web-1", a[3]));
        var tokens = new List<string>();
        for (var i = 0; i < laptops.Length; i++)
        {
            tokens.Add(await pull.Server.CreateMachineTokenAsync(laptops[i]));
            await pull.StartAgentAsync(laptops[i], a[i], tokens[i]);
        }
        var connections = a.Take(3).Select(hosts.ConnectionsAccepted).ToList();

        var deploy = await pull.Deploy().BuildAsync();

        // The server never connected to a pull machine: the agents fetched everything themselves.
        Assert.Equal(connections, a.Take(3).Select(hosts.ConnectionsAccepted).ToList());
        deploy.AssertSucceeded();
        var fleet = pull.Fleet;
        var first = new Dictionary<string, string>();
        foreach (var (machine, address) in laptops.Append("web-1").Zip(a))
        {
            first[machine] = fleet.Closure(machine);
            Assert.Equal(first[machine], await hosts.LiveSystemAsync(address));
            Assert.Equal(first[machine], await hosts.BootEntryAsync(address));
            Assert.Equal("deployed", fleet.Status(machine));
        }
        var id = await pull.LatestDeploymentAsync();
        foreach (var machine in laptops)
        {
            var rollout = await pull.RolloutAsync(id, machine);
            Assert.Equal(("deployed", "pull"), (rollout["status"]!.GetValue<string>(), rollout["mode"]!.GetValue<string>()));
            Assert.Contains("activate", rollout["steps"]!.AsArray().Select(step => step!["step"]!.GetValue<string>()));
        }
        Assert.Equal("deployed", (await pull.RolloutAsync(id, "web-1"))["status"]!.GetValue<string>());
        foreach (var token in tokens)
            Assert.DoesNotContain(token, pull.AgentLogs + pull.Server.Log);

        await pull.Server.StopAsync();
        await pull.Server.RestartAsync();

        // The server kept every machine's state, and the agents, which asked meanwhile in vain, take the next deployment.
        foreach (var machine in laptops.Append("web-1"))
            Assert.Equal("deployed", (await pull.RolloutAsync(id, machine))["status"]!.GetValue<string>());
        foreach (var machine in laptops.Append("web-1"))
            await fleet.ReconfigureAsync(machine, m => m with { Configuration = m.Configuration + "\n  services.extra.enable = true;" });

        var next = await pull.Deploy().BuildAsync();

        next.AssertSucceeded();
        foreach (var (machine, address) in laptops.Append("web-1").Zip(a))
        {
            Assert.NotEqual(first[machine], fleet.Closure(machine));
            Assert.Equal(fleet.Closure(machine), await hosts.LiveSystemAsync(address));
            Assert.Equal("deployed", fleet.Status(machine));
        }
        Assert.NotEqual(id, await pull.LatestDeploymentAsync());
    }

    [Fact]
    public async Task A_pull_machine_away_during_the_deploy_is_pending_and_applies_the_deployment_when_its_agent_comes_back()
    {
        var address = hosts.Lease(1)[0];
        await using var pull = await PullFleet.CreateAsync("pull-away", hosts, PullFleet.Pull("laptop-1", address));

        var deploy = await pull.Deploy(("NixDeployPullTimeout", "3")).BuildAsync();

        deploy.AssertSucceeded();
        Assert.Contains(deploy.Warnings, warning => warning.Code == "ND8133");
        Assert.Equal("pending", pull.Fleet.Status("laptop-1"));
        Assert.Equal("", await hosts.LiveSystemAsync(address));
        var id = await pull.LatestDeploymentAsync();
        Assert.Equal("pending", (await pull.RolloutAsync(id, "laptop-1"))["status"]!.GetValue<string>());

        await pull.StartAgentAsync("laptop-1", address);

        await pull.WaitForRolloutAsync(id, "laptop-1", "deployed", TimeSpan.FromMinutes(2));
        Assert.Equal(pull.Fleet.Closure("laptop-1"), await hosts.LiveSystemAsync(address));
        Assert.Equal(pull.Fleet.Closure("laptop-1"), await hosts.BootEntryAsync(address));
    }

    [Fact]
    public async Task An_agent_with_another_machines_token_is_refused_and_changes_nothing()
    {
        var a = hosts.Lease(2);
        await using var pull = await PullFleet.CreateAsync("pull-tokens", hosts, PullFleet.Pull("laptop-1", a[0]), PullFleet.Pull("laptop-2", a[1]));
        var laptop2Token = await pull.Server.CreateMachineTokenAsync("laptop-2");
        var impostor = await pull.StartAgentAsync("laptop-1", a[0], laptop2Token);

        var deploy = await pull.Deploy(("NixDeployPullTimeout", "3")).BuildAsync();

        deploy.AssertSucceeded();
        await impostor.WaitForLogAsync("the server answered HTTP 403", TimeSpan.FromSeconds(30));
        Assert.Contains("ND8015", impostor.Log);
        Assert.DoesNotContain(laptop2Token, impostor.Log);
        Assert.Equal("", await hosts.LiveSystemAsync(a[0]));
        var id = await pull.LatestDeploymentAsync();
        Assert.Equal("pending", (await pull.RolloutAsync(id, "laptop-1"))["status"]!.GetValue<string>());

        // Its own token works: laptop-2's agent applies laptop-2's deployment, and only that.
        await pull.StartAgentAsync("laptop-2", a[1], laptop2Token);

        await pull.WaitForRolloutAsync(id, "laptop-2", "deployed", TimeSpan.FromMinutes(2));
        Assert.Equal(pull.Fleet.Closure("laptop-2"), await hosts.LiveSystemAsync(a[1]));
        Assert.Equal("", await hosts.LiveSystemAsync(a[0]));
        Assert.Equal("pending", (await pull.RolloutAsync(id, "laptop-1"))["status"]!.GetValue<string>());
    }
}
