using System.Text.Json.Nodes;
using NixDeploy.Tests.Cache;
using NixDeploy.Tests.ControlPlane;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Pull;

/// <summary>
/// A fleet deployed through a real control plane whose pull machines' agents run in test hosts: CI's Deploy pushes the
/// closures, signed with the fleet's key, to the control plane's /cache (a NixDeployCache with a ci token's netrc) and
/// posts the deployment; the server deploys the push machines over SSH and leaves the pull machines to their agents.
/// </summary>
public sealed class PullFleet : IAsyncDisposable
{
    private readonly List<PullAgent> _agents = [];

    private PullFleet(ControlPlaneServer server, DeployFleet fleet, string ciTokenFile, string readToken)
    {
        Server = server;
        Fleet = fleet;
        CiTokenFile = ciTokenFile;
        ReadToken = readToken;
    }

    public ControlPlaneServer Server { get; }

    public DeployFleet Fleet { get; }

    public string CiTokenFile { get; }

    public string ReadToken { get; }

    /// <summary>A healthy stand-in machine (<see cref="DeployFleet.Machine"/>) whose blueprint says deployment.mode = "pull".</summary>
    public static TestMachine Pull(string name, string addr) => DeployFleet.Machine(name, addr) with { Mode = "pull" };

    public static async Task<PullFleet> CreateAsync(string name, TestHosts hosts, params TestMachine[] machines)
    {
        var server = await ControlPlaneServer.StartAsync(name, hosts);
        var (ciToken, ciTokenFile) = await server.CreateTokenFileAsync("ci");
        var (readToken, _) = await server.CreateTokenFileAsync("read");
        var (secretKey, _) = await CacheNix.GenerateKeyAsync(server.Folder, "fleet-1");
        var netrc = Path.Combine(server.Folder, "ci.netrc");
        File.WriteAllText(netrc, $"machine 127.0.0.1 login nixdeploy password {ciToken}\n");
        var fleet = await DeployFleet.CreateAsync(name, hosts, project => project
            .Cache("control-plane", ("Url", server.Url + "/cache"), ("SecretKeyFile", secretKey), ("NetrcFile", netrc), ("Required", "true")), machines);
        return new PullFleet(server, fleet, ciTokenFile, readToken);
    }

    /// <summary>Deploy through the control plane, waiting for the pull machines up to 2 minutes unless a property says otherwise.</summary>
    public DotnetBuild Deploy(params (string Name, string Value)[] properties) =>
        Fleet.Deploy([("NixDeployControlPlane", Server.Url), ("NixDeployControlPlaneTokenFile", CiTokenFile), ("NixDeployPullTimeout", "120"), .. properties]);

    /// <summary>Starts the agent of <paramref name="machine"/> in the host at <paramref name="address"/>, with its own token unless <paramref name="token"/> is given.</summary>
    public async Task<PullAgent> StartAgentAsync(string machine, string address, string? token = null)
    {
        var agent = await PullAgent.StartAsync(Fleet.Hosts, address, Server.Url, machine, token ?? await Server.CreateMachineTokenAsync(machine));
        _agents.Add(agent);
        return agent;
    }

    /// <summary>Stops every agent started so far (the machines are away).</summary>
    public async Task StopAgentsAsync()
    {
        foreach (var agent in _agents)
            await agent.StopAsync();
    }

    /// <summary>The NAR of <paramref name="storePath"/> in the server's cache folder.</summary>
    public string CachedNarFile(string storePath) => Tests.Server.ControlPlaneCacheServer.NarFile(Path.Combine(Server.DataDirectory, "cache"), storePath);

    /// <summary>The newest deployment's id on the server.</summary>
    public async Task<string> LatestDeploymentAsync() =>
        (await Server.GetAsync("/api/v1/deployments", ReadToken))["items"]!.AsArray()[0]!["id"]!.GetValue<string>();

    /// <summary>The machine's rollout in deployment <paramref name="id"/> on the server.</summary>
    public async Task<JsonNode> RolloutAsync(string id, string machine) =>
        (await Server.GetAsync($"/api/v1/deployments/{id}", ReadToken))["machines"]![machine]!;

    /// <summary>Waits until the machine's rollout in deployment <paramref name="id"/> has <paramref name="status"/>; returns it.</summary>
    public async Task<JsonNode> WaitForRolloutAsync(string id, string machine, string status, TimeSpan timeout)
    {
        JsonNode? rollout = null;
        await TestHosts.WaitUntilAsync(async () => (rollout = await RolloutAsync(id, machine))["status"]!.GetValue<string>() == status, timeout,
            $"{machine} to be {status} in deployment {id}");
        return rollout!;
    }

    /// <summary>Everything the agents logged, for a failed assertion.</summary>
    public string AgentLogs => string.Join("\n", _agents.Select(agent => agent.Log));

    public async ValueTask DisposeAsync()
    {
        await StopAgentsAsync();
        Fleet.Dispose();
        await Server.DisposeAsync();
    }
}
