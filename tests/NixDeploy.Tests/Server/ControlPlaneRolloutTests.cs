using System.Net;
using System.Text.Json.Nodes;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Server;

public sealed class ControlPlaneHosts() : TestHosts(first: 70, count: 9);

/// <summary>
/// Deployments rolled out by a real <c>dotnet nixdeploy serve</c> to real test hosts: each host's live system is
/// what the server says; superseding; a failing health check; a rollback; a server killed mid-rollout.
/// </summary>
public sealed class ControlPlaneRolloutTests(ControlPlaneHosts hosts, ControlPlaneClosures closures)
    : IClassFixture<ControlPlaneHosts>, IClassFixture<ControlPlaneClosures>
{
    private static readonly TimeSpan RolloutTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_fleet_is_rolled_out_live_a_failing_health_check_rolls_back_and_a_machine_rolls_back_on_request()
    {
        var h = hosts.Lease(3);
        var (data, config) = Setup("cp-fleet");
        var ci = await ControlPlaneProcess.CreateTokenAsync(data, "ci");
        var operatorToken = await ControlPlaneProcess.CreateTokenAsync(data, "operator");
        await using var server = await ControlPlaneProcess.StartAsync(data, config);
        (string, JsonObject, string) Machine(int host, string closure) => ($"web-{host + 1}", Healthy(h[host]), closure);

        var first = ControlPlaneDocuments.Deployment([Machine(0, closures.A), Machine(1, closures.A), Machine(2, closures.A)]);
        var posted = await server.PostAsync("/api/v1/deployments", ci, first);
        Assert.Equal(HttpStatusCode.Created, posted.Status);
        var id = posted.Json["id"]!.GetValue<string>();
        var detail = await server.WaitForDeploymentAsync(id, ci, RolloutTimeout);

        Assert.Equal("succeeded", detail["status"]!.GetValue<string>());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(closures.A, await hosts.LiveSystemAsync(h[i]));
            var machine = detail["machines"]![$"web-{i + 1}"]!;
            Assert.Equal("deployed", machine["status"]!.GetValue<string>());
            Assert.Equal(["lock", "copy", "activate", "health-checks", "confirm"], Steps(machine));
            Assert.Equal(Steps(machine), machine["timeline"]!.AsArray().Select(step => step!["step"]!.GetValue<string>()));
            Assert.All(machine["timeline"]!.AsArray(), step => Assert.NotNull(step!["seconds"]));
            var state = (await server.GetAsync($"/api/v1/machines/web-{i + 1}", ci)).Json;
            Assert.Equal(closures.A, state["desiredClosure"]!.GetValue<string>());
            Assert.Equal(closures.A, state["liveClosure"]!.GetValue<string>());
            Assert.Equal("deployed", state["lastResult"]!.GetValue<string>());
            Assert.NotNull(state["lastSeen"]);
        }

        var again = await server.PostAsync("/api/v1/deployments", ci, first);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(id, again.Json["id"]!.GetValue<string>());
        Assert.Single((await server.GetAsync("/api/v1/deployments", ci)).Json["items"]!.AsArray());

        var second = (await server.PostAsync("/api/v1/deployments", ci,
            ControlPlaneDocuments.Deployment([Machine(0, closures.B), Machine(1, closures.Unhealthy), Machine(2, closures.A)]))).Json["id"]!.GetValue<string>();
        detail = await server.WaitForDeploymentAsync(second, ci, RolloutTimeout);

        Assert.Equal("failed", detail["status"]!.GetValue<string>());
        Assert.Equal("deployed", detail["machines"]!["web-1"]!["status"]!.GetValue<string>());
        Assert.Equal(closures.B, await hosts.LiveSystemAsync(h[0]));
        var unhealthy = detail["machines"]!["web-2"]!;
        Assert.Equal("rolled-back", unhealthy["status"]!.GetValue<string>());
        Assert.Equal("ND5006", unhealthy["errorCode"]!.GetValue<string>());
        Assert.Equal(closures.A, unhealthy["previousClosure"]!.GetValue<string>());
        Assert.Contains("rollback", Steps(unhealthy));
        Assert.Equal(closures.A, await hosts.LiveSystemAsync(h[1]));
        Assert.Equal("unchanged", detail["machines"]!["web-3"]!["status"]!.GetValue<string>());
        var web2 = (await server.GetAsync("/api/v1/machines/web-2", ci)).Json;
        Assert.Equal(closures.Unhealthy, web2["desiredClosure"]!.GetValue<string>());
        Assert.Equal(closures.A, web2["liveClosure"]!.GetValue<string>());
        Assert.Equal("rolled-back", web2["lastResult"]!.GetValue<string>());
        var report = await server.GetAsync($"/api/v1/deployments/{second}/report", ci);
        Assert.Equal(HttpStatusCode.OK, report.Status);
        Assert.False(report.Json["succeeded"]!.GetValue<bool>());
        Assert.Equal("rolled-back", report.Json["machines"]!["web-2"]!["status"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Forbidden, (await server.PostAsync("/api/v1/machines/web-1/rollback", ci)).Status);
        var rollback = await server.PostAsync("/api/v1/machines/web-1/rollback", operatorToken);

        Assert.Equal(HttpStatusCode.OK, rollback.Status);
        Assert.Equal("rolled-back", rollback.Json["status"]!.GetValue<string>());
        Assert.Equal(closures.B, rollback.Json["fromClosure"]!.GetValue<string>());
        Assert.Equal(closures.A, rollback.Json["toClosure"]!.GetValue<string>());
        Assert.Equal(closures.A, await hosts.LiveSystemAsync(h[0]));
        var web1 = (await server.GetAsync("/api/v1/machines/web-1", ci)).Json;
        Assert.Equal(closures.A, web1["liveClosure"]!.GetValue<string>());
        Assert.Equal("rolled-back", web1["lastResult"]!.GetValue<string>());
        var metrics = (await server.GetAsync("/metrics", ci)).Body;
        Assert.Contains("nixdeploy_rollouts{result=\"deployed\"} 4", metrics);
        Assert.Contains("nixdeploy_rollouts{result=\"rolled-back\"} 1", metrics);
        Assert.Contains("nixdeploy_rollout_duration_seconds_count 6", metrics);
    }

    [Fact]
    public async Task A_newer_deployment_supersedes_the_machines_an_older_one_still_has_queued()
    {
        var h = hosts.Lease(2);
        var (data, config) = Setup("cp-supersede");
        var ci = await ControlPlaneProcess.CreateTokenAsync(data, "ci");
        await using var server = await ControlPlaneProcess.StartAsync(data, config);
        // The first deployment's health check takes a while, so the next two arrive while it runs.
        var running = (await server.PostAsync("/api/v1/deployments", ci, ControlPlaneDocuments.Deployment(
            [("web-x", ControlPlaneDocuments.Machine(h[0], TestHosts.Port, ControlPlaneDocuments.Check("sleep 4; grep -qx healthy /run/standin/services/web", 20)), closures.A)]))).Json["id"]!.GetValue<string>();
        await TestHosts.WaitUntilAsync(async () => (await server.GetAsync($"/api/v1/deployments/{running}", ci)).Json["status"]!.GetValue<string>() == "running",
            TimeSpan.FromSeconds(60), "the first deployment to run");

        var early = await server.GetAsync($"/api/v1/deployments/{running}/report", ci);
        Assert.True(early.Status == HttpStatusCode.Conflict && early.Code == "ND8017", early.ToString());
        var older = (await server.PostAsync("/api/v1/deployments", ci,
            ControlPlaneDocuments.Deployment([("web-x", Healthy(h[0]), closures.B), ("web-y", Healthy(h[1]), closures.B)]))).Json["id"]!.GetValue<string>();
        var newer = (await server.PostAsync("/api/v1/deployments", ci,
            ControlPlaneDocuments.Deployment([("web-x", Healthy(h[0]), closures.B), ("web-y", Healthy(h[1]), closures.A)]))).Json["id"]!.GetValue<string>();
        var first = await server.WaitForDeploymentAsync(running, ci, RolloutTimeout);
        var last = await server.WaitForDeploymentAsync(newer, ci, RolloutTimeout);
        var superseded = (await server.GetAsync($"/api/v1/deployments/{older}", ci)).Json;

        Assert.Equal("succeeded", first["status"]!.GetValue<string>());
        Assert.Equal("superseded", superseded["status"]!.GetValue<string>());
        foreach (var machine in new[] { "web-x", "web-y" })
        {
            Assert.Equal("superseded", superseded["machines"]![machine]!["status"]!.GetValue<string>());
            Assert.Equal(newer, superseded["machines"]![machine]!["supersededBy"]!.GetValue<string>());
            Assert.Empty(superseded["machines"]![machine]!["steps"]!.AsArray());
        }
        Assert.Equal("succeeded", last["status"]!.GetValue<string>());
        Assert.Equal(closures.B, await hosts.LiveSystemAsync(h[0]));
        Assert.Equal(closures.A, await hosts.LiveSystemAsync(h[1]));
        // web-x was rolled out by one deployment at a time: the newer one started it after the first had finished it.
        Assert.True(Time(last["machines"]!["web-x"]!["startedAt"]) >= Time(first["machines"]!["web-x"]!["finishedAt"]),
            $"web-x started in {newer} at {last["machines"]!["web-x"]!["startedAt"]}, before {running} finished it at {first["machines"]!["web-x"]!["finishedAt"]}");
        Assert.Equal(HttpStatusCode.NotFound, (await server.GetAsync($"/api/v1/deployments/{older}/report", ci)).Status);
    }

    [Fact]
    public async Task A_server_killed_during_a_rollout_reads_the_machine_again_on_restart_and_finishes_it()
    {
        var (h, data, config, ci, id) = await KilledDuringHealthChecksAsync("cp-killed", "web-k");
        Assert.Equal("running", ControlPlaneDatabase.Scalar(data, $"SELECT status FROM rollouts WHERE deployment_id = '{id}'"));

        await using var restarted = await ControlPlaneProcess.StartAsync(data, config);
        var detail = await restarted.WaitForDeploymentAsync(id, ci, RolloutTimeout);

        Assert.Contains($"Deployment {id} was running when the server stopped: 1 machine(s) resume", restarted.Output);
        Assert.Equal("succeeded", detail["status"]!.GetValue<string>());
        var machine = detail["machines"]!["web-k"]!;
        Assert.Contains(machine["status"]!.GetValue<string>(), new[] { "deployed", "unchanged" });
        Assert.Equal(closures.A, await hosts.LiveSystemAsync(h[0]));
        Assert.Equal(closures.A, await hosts.BootEntryAsync(h[0]));
        Assert.False(await hosts.WatchdogArmedAsync(h[0]));
        // The steps before the kill stay in the record, the resumed run's follow.
        var timeline = machine["timeline"]!.AsArray().Select(step => step!["step"]!.GetValue<string>()).ToList();
        Assert.Equal("health-checks", timeline[timeline.IndexOf("activate") + 1]);
        Assert.True(timeline.LastIndexOf("lock") > timeline.IndexOf("health-checks"), string.Join(", ", timeline));
        var state = (await restarted.GetAsync("/api/v1/machines/web-k", ci)).Json;
        Assert.Equal(closures.A, state["liveClosure"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_machine_the_restarted_server_cannot_read_is_recorded_interrupted()
    {
        var (h, data, config, ci, id) = await KilledDuringHealthChecksAsync("cp-interrupted", "web-i");
        // The restarted server no longer trusts the host's key: it cannot read the machine.
        var known = Path.Combine(Path.GetDirectoryName(config)!, "empty_known_hosts");
        File.WriteAllText(known, "");
        File.WriteAllText(config, new JsonObject { ["ssh"] = new JsonObject { ["identityFile"] = hosts.IdentityFile, ["knownHostsFile"] = known } }.ToJsonString());

        await using var restarted = await ControlPlaneProcess.StartAsync(data, config);
        var detail = await restarted.WaitForDeploymentAsync(id, ci, TimeSpan.FromSeconds(60));

        Assert.Equal("interrupted", detail["status"]!.GetValue<string>());
        var machine = detail["machines"]!["web-i"]!;
        Assert.Equal("interrupted", machine["status"]!.GetValue<string>());
        Assert.Equal("ND8020", machine["errorCode"]!.GetValue<string>());
        Assert.Contains("ND5001", machine["errorMessage"]!.GetValue<string>());
        Assert.Contains("health-checks", machine["timeline"]!.AsArray().Select(step => step!["step"]!.GetValue<string>()));
        Assert.Contains("nixdeploy_rollouts{result=\"interrupted\"} 1", (await restarted.GetAsync("/metrics", ci)).Body);
    }

    [Fact]
    public async Task A_server_stopped_with_SIGTERM_during_a_rollout_lets_the_machine_finish_and_records_it()
    {
        var h = hosts.Lease(1);
        var (data, config) = Setup("cp-stopped");
        var ci = await ControlPlaneProcess.CreateTokenAsync(data, "ci");
        await using var server = await ControlPlaneProcess.StartAsync(data, config);
        var id = await PostAndWaitForHealthChecksAsync(server, ci, "web-t", h[0]);

        Assert.Equal(0, await server.StopAsync());

        Assert.Equal("succeeded", ControlPlaneDatabase.Scalar(data, $"SELECT status FROM deployments WHERE id = '{id}'"));
        Assert.Equal("deployed", ControlPlaneDatabase.Scalar(data, $"SELECT status FROM rollouts WHERE deployment_id = '{id}'"));
        Assert.Equal(closures.A, await hosts.LiveSystemAsync(h[0]));
        Assert.False(await hosts.WatchdogArmedAsync(h[0]));
    }

    /// <summary>Posts A for one machine whose health check takes 5 s, and returns once the check runs (the machine is activated, unconfirmed).</summary>
    private async Task<string> PostAndWaitForHealthChecksAsync(ControlPlaneProcess server, string ci, string machine, string address)
    {
        var id = (await server.PostAsync("/api/v1/deployments", ci, ControlPlaneDocuments.Deployment(
            [(machine, ControlPlaneDocuments.Machine(address, TestHosts.Port, ControlPlaneDocuments.Check("sleep 5; grep -qx healthy /run/standin/services/web", 10)), closures.A)]))).Json["id"]!.GetValue<string>();
        await TestHosts.WaitUntilAsync(async () => (await server.GetAsync($"/api/v1/deployments/{id}", ci)).Json["machines"]![machine]!["timeline"]!.AsArray()
            .Any(step => step!["step"]!.GetValue<string>() == "health-checks"), TimeSpan.FromSeconds(90), $"{machine}'s health checks to start");
        return id;
    }

    /// <summary>A server killed (SIGKILL) while it ran the health checks of one machine's rollout: the machine's host, the server's data, config, a ci token and the deployment.</summary>
    private async Task<(IReadOnlyList<string> Hosts, string Data, string Config, string Ci, string Id)> KilledDuringHealthChecksAsync(string folder, string machine)
    {
        var h = hosts.Lease(1);
        var (data, config) = Setup(folder);
        var ci = await ControlPlaneProcess.CreateTokenAsync(data, "ci");
        await using var server = await ControlPlaneProcess.StartAsync(data, config);
        var id = await PostAndWaitForHealthChecksAsync(server, ci, machine, h[0]);
        await server.KillAsync();
        return (h, data, config, ci, id);
    }

    private (string Data, string Config) Setup(string name) => ControlPlane.ControlPlaneServer.Configure(TestRunDirectory.CreateFolder(name), hosts);

    private static JsonObject Healthy(string address) =>
        ControlPlaneDocuments.Machine(address, TestHosts.Port, ControlPlaneDocuments.Check("grep -qx healthy /run/standin/services/web", 3));

    private static List<string> Steps(JsonNode machine) => machine["steps"]!.AsArray().Select(step => step!["step"]!.GetValue<string>()).ToList();

    private static DateTimeOffset Time(JsonNode? value) => DateTimeOffset.Parse(value!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
}
