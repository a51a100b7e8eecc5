using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Server;

/// <summary>
/// The control plane's side of pull agents against a real <c>serve</c> process and its SQLite file, the agents played
/// by HTTP requests as the agent's loop sends them: machine tokens and their scope, the long-poll of the desired state,
/// step reports, the server's confirmation, the deployment's report and status, and a restart. No host is involved:
/// nothing connects to a pull machine.
/// </summary>
public sealed class PullAgentApiTests
{
    private const string FleetKey = "fleet-1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    [Fact]
    public async Task A_machine_token_reads_and_reports_only_for_its_own_machine_and_reads_but_never_writes_the_cache()
    {
        var data = TestRunDirectory.CreateFolder("pull-scope");
        var admin = await ControlPlaneProcess.CreateTokenAsync(data, "admin");
        await using var server = await ControlPlaneProcess.StartAsync(data);
        var laptop1 = await MachineTokenAsync(server, admin, "laptop-1");
        var laptop2 = await MachineTokenAsync(server, admin, "laptop-2");
        var id = await PostAsync(server, admin, ControlPlaneDocuments.FakeClosureA, ("laptop-1", ControlPlaneDocuments.PullMachine()), ("laptop-2", ControlPlaneDocuments.PullMachine()));

        var own = await server.GetAsync("/api/v1/machines/laptop-1/desired", laptop1);
        Assert.True(own.Status == HttpStatusCode.OK, own.ToString());
        Assert.Equal((id, "laptop-1", ControlPlaneDocuments.FakeClosureA),
            (own.Json["deploymentId"]!.GetValue<string>(), own.Json["machine"]!.GetValue<string>(), own.Json["toplevel"]!.GetValue<string>()));
        var forbidden = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Get, "/api/v1/machines/laptop-2/desired", null),
            (HttpMethod.Post, "/api/v1/machines/laptop-2/reports", $$"""{"deploymentId":"{{id}}","step":"activate","status":"running"}"""),
            (HttpMethod.Post, "/api/v1/machines/laptop-2/confirm", $$"""{"deploymentId":"{{id}}"}"""),
            (HttpMethod.Post, "/api/v1/machines/laptop-1/token", null),
            (HttpMethod.Get, "/api/v1/machines", null),
            (HttpMethod.Get, "/api/v1/machines/laptop-1", null),
            (HttpMethod.Get, "/api/v1/deployments", null),
            (HttpMethod.Post, "/api/v1/deployments", "{}"),
            (HttpMethod.Get, "/api/v1/tokens", null),
            (HttpMethod.Get, "/metrics", null),
        };
        foreach (var (method, path, body) in forbidden)
        {
            var answer = await server.SendAsync(method, path, laptop1, body is null ? null : System.Text.Encoding.UTF8.GetBytes(body));
            Assert.True(answer.Status == HttpStatusCode.Forbidden && answer.Code == "ND8015", $"{method} {path} with laptop-1's token: {answer}");
        }
        // Reports and confirmations are the machine's own: not even an admin's token makes them.
        var adminReport = await server.PostAsync("/api/v1/machines/laptop-1/reports", admin, $$"""{"deploymentId":"{{id}}","step":"activate","status":"running"}""");
        Assert.Equal(HttpStatusCode.Forbidden, adminReport.Status);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/api/v1/machines/laptop-2/desired", laptop2)).Status);

        // The binary cache takes the machine token as Nix sends it (HTTP Basic from a netrc file): reading, never writing.
        using var cacheRead = await CacheAsync(server, HttpMethod.Get, "/cache/nix-cache-info", laptop1);
        Assert.Equal(HttpStatusCode.OK, cacheRead.StatusCode);
        Assert.Contains("StoreDir: /nix/store", await cacheRead.Content.ReadAsStringAsync());
        using var cacheHead = await CacheAsync(server, HttpMethod.Head, "/cache/nix-cache-info", laptop1);
        Assert.Equal(HttpStatusCode.OK, cacheHead.StatusCode);
        using var cacheWrite = await CacheAsync(server, HttpMethod.Put, "/cache/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.narinfo", laptop1, "StorePath: /nix/store/x\n");
        Assert.Equal(HttpStatusCode.Forbidden, cacheWrite.StatusCode);

        // A machine token is made only for its machine: POST /tokens refuses the role.
        var general = await server.PostAsync("/api/v1/tokens", admin, """{"role":"machine","name":"laptop-1"}""");
        Assert.True(general.Status == HttpStatusCode.BadRequest && general.Code == "ND8132", general.ToString());
        var listed = (await server.GetAsync("/api/v1/tokens", admin)).Json.AsArray();
        Assert.Equal(["laptop-1", "laptop-2"], listed.Where(token => token!["role"]!.GetValue<string>() == "machine").Select(token => token!["machine"]!.GetValue<string>()).Order());
        Assert.DoesNotContain(laptop1, server.Output);
    }

    [Fact]
    public async Task A_long_poll_answers_when_a_deployment_names_the_machine_and_204_when_nothing_newer_came()
    {
        var data = TestRunDirectory.CreateFolder("pull-poll");
        var admin = await ControlPlaneProcess.CreateTokenAsync(data, "admin");
        await using var server = await ControlPlaneProcess.StartAsync(data);
        var token = await MachineTokenAsync(server, admin, "laptop-1");

        var before = await server.GetAsync("/api/v1/machines/laptop-1/desired", token);
        Assert.True(before.Status == HttpStatusCode.NotFound && before.Code == "ND8130", before.ToString());

        var first = await PostAsync(server, admin, ControlPlaneDocuments.FakeClosureA, ("laptop-1", ControlPlaneDocuments.PullMachine(ControlPlaneDocuments.Check("systemctl is-active web", 5))));
        var desired = await server.GetAsync($"/api/v1/machines/laptop-1/desired?wait=30", token);
        Assert.Equal(first, desired.Json["deploymentId"]!.GetValue<string>());
        // The control plane's own cache first (as the agent reached it), with the fleet's key from deployment.json; then the deployment's caches.
        var substituters = desired.Json["substituters"]!.AsArray();
        Assert.Equal($"{server.Address.AbsoluteUri.TrimEnd('/')}/cache", substituters[0]!["url"]!.GetValue<string>());
        Assert.Equal(FleetKey, substituters[0]!["publicKey"]!.GetValue<string>());
        Assert.Equal("https://cache.example.org", substituters[1]!["url"]!.GetValue<string>());
        var check = Assert.Single(desired.Json["healthChecks"]!.AsArray());
        Assert.Equal("systemctl is-active web", check!["command"]!.GetValue<string>());
        Assert.Equal(3, desired.Json["confirmTimeoutSeconds"]!.GetValue<int>());
        Assert.Equal(7, desired.Json["activationTimeoutSeconds"]!.GetValue<int>());

        // Nothing newer within the wait: 204.
        var unchanged = await server.GetAsync($"/api/v1/machines/laptop-1/desired?wait=1&known={first}", token);
        Assert.True(unchanged.Status == HttpStatusCode.NoContent, unchanged.ToString());

        // Held until the deployment that names it arrives: the answer is a deployment that did not exist when it was asked.
        var waiting = server.GetAsync($"/api/v1/machines/laptop-1/desired?wait=120&known={first}", token);
        var second = await PostAsync(server, admin, ControlPlaneDocuments.FakeClosureB, ("laptop-1", ControlPlaneDocuments.PullMachine()));
        var woken = await waiting;
        Assert.True(woken.Status == HttpStatusCode.OK, woken.ToString());
        Assert.Equal((second, ControlPlaneDocuments.FakeClosureB), (woken.Json["deploymentId"]!.GetValue<string>(), woken.Json["toplevel"]!.GetValue<string>()));
        Assert.NotEqual(first, second);
        // The runner never connected to it: it waits for its agent.
        var detail = (await server.GetAsync($"/api/v1/deployments/{second}", admin)).Json;
        Assert.Equal(("running", "pending", "pull"), (detail["status"]!.GetValue<string>(), detail["machines"]!["laptop-1"]!["status"]!.GetValue<string>(),
            detail["machines"]!["laptop-1"]!["mode"]!.GetValue<string>()));
        Assert.Equal("superseded", (await server.GetAsync($"/api/v1/deployments/{first}", admin)).Json["status"]!.GetValue<string>());
        Assert.Null(detail["machines"]!["laptop-1"]!["isPull"]);
        var bad = await server.GetAsync($"/api/v1/machines/laptop-1/desired?wait=soon", token);
        Assert.True(bad.Status == HttpStatusCode.BadRequest && bad.Code == "ND8010", bad.ToString());
    }

    [Fact]
    public async Task Reports_and_the_confirmation_move_a_pull_machine_through_its_rollout_in_the_deployment_its_report_and_status_and_a_restart_keeps_them()
    {
        var data = TestRunDirectory.CreateFolder("pull-reports");
        var admin = await ControlPlaneProcess.CreateTokenAsync(data, "admin");
        var read = await ControlPlaneProcess.CreateTokenAsync(data, "read");
        var readFile = Path.Combine(data, "..", "pull-reports-read.token");
        File.WriteAllText(readFile, read + "\n");
        string laptop2, id;
        await using (var server = await ControlPlaneProcess.StartAsync(data))
        {
            var laptop1 = await MachineTokenAsync(server, admin, "laptop-1");
            laptop2 = await MachineTokenAsync(server, admin, "laptop-2");
            var old = await PostAsync(server, admin, ControlPlaneDocuments.FakeClosureA, ("laptop-1", ControlPlaneDocuments.PullMachine()), ("laptop-2", ControlPlaneDocuments.PullMachine()));
            id = await PostAsync(server, admin, ControlPlaneDocuments.FakeClosureB, ("laptop-1", ControlPlaneDocuments.PullMachine()), ("laptop-2", ControlPlaneDocuments.PullMachine()));

            foreach (var (step, status) in new[] { ("lock", "running"), ("lock", "succeeded"), ("activate", "running"), ("activate", "succeeded"), ("health", "running"), ("health", "succeeded") })
            {
                var answer = await server.PostAsync("/api/v1/machines/laptop-1/reports", laptop1, $$"""{"deploymentId":"{{id}}","step":"{{step}}","status":"{{status}}"}""");
                Assert.True(answer.Status == HttpStatusCode.NoContent, answer.ToString());
            }
            var running = (await server.GetAsync($"/api/v1/deployments/{id}", admin)).Json["machines"]!["laptop-1"]!;
            Assert.Equal("running", running["status"]!.GetValue<string>());
            // Confirming a deployment a newer one took: 409, and the agent rolls back.
            var stale = await server.PostAsync("/api/v1/machines/laptop-1/confirm", laptop1, $$"""{"deploymentId":"{{old}}"}""");
            Assert.True(stale.Status == HttpStatusCode.Conflict && stale.Code == "ND8131", stale.ToString());
            var confirmed = await server.PostAsync("/api/v1/machines/laptop-1/confirm", laptop1, $$"""{"deploymentId":"{{id}}"}""");
            Assert.True(confirmed.Status == HttpStatusCode.OK, confirmed.ToString());
            var malformed = await server.PostAsync("/api/v1/machines/laptop-1/reports", laptop1, $$"""{"deploymentId":"{{id}}","step":"boot","status":"done"}""");
            Assert.True(malformed.Status == HttpStatusCode.BadRequest && malformed.Code == "ND8010", malformed.ToString());

            await AssertRecordedAsync(server, id, admin, readFile);
            Assert.Equal(0, await server.StopAsync());
        }
        await using var restarted = await ControlPlaneProcess.StartAsync(data);

        await AssertRecordedAsync(restarted, id, admin, readFile);
        // Its agents go on where they were: the same tokens, the same desired deployment; laptop-2 finishes it.
        Assert.Equal(id, (await restarted.GetAsync("/api/v1/machines/laptop-2/desired", laptop2)).Json["deploymentId"]!.GetValue<string>());
        var unchanged = await restarted.PostAsync("/api/v1/machines/laptop-2/reports", laptop2, $$"""{"deploymentId":"{{id}}","step":"activate","status":"unchanged"}""");
        Assert.Equal(HttpStatusCode.NoContent, unchanged.Status);
        var finished = (await restarted.GetAsync($"/api/v1/deployments/{id}", admin)).Json;
        Assert.Equal(("succeeded", "unchanged"), (finished["status"]!.GetValue<string>(), finished["machines"]!["laptop-2"]!["status"]!.GetValue<string>()));
        Assert.True((await restarted.GetAsync($"/api/v1/deployments/{id}/report", admin)).Json["succeeded"]!.GetValue<bool>());

        // The server connects to no pull machine, not even to roll it back: refused, nothing recorded.
        var rollback = await restarted.PostAsync("/api/v1/machines/laptop-2/rollback", admin);
        Assert.Equal(("failed", "ND8134"), (rollback.Json["status"]!.GetValue<string>(), rollback.Json["errorCode"]!.GetValue<string>()));
        Assert.Equal("unchanged", (await restarted.GetAsync("/api/v1/machines/laptop-2", admin)).Json["lastResult"]!.GetValue<string>());
    }

    /// <summary>laptop-1 deployed with its three steps, laptop-2 pending: in the deployment, its report and status --server.</summary>
    private static async Task AssertRecordedAsync(ControlPlaneProcess at, string id, string admin, string readFile)
    {
        var detail = (await at.GetAsync($"/api/v1/deployments/{id}", admin)).Json;
        var laptop = detail["machines"]!["laptop-1"]!;
        Assert.Equal(("running", "deployed"), (detail["status"]!.GetValue<string>(), laptop["status"]!.GetValue<string>()));
        Assert.Equal(["lock", "activate", "health"], laptop["steps"]!.AsArray().Select(step => step!["step"]!.GetValue<string>()));
        Assert.Equal(["lock", "activate", "health"], laptop["timeline"]!.AsArray().Select(step => step!["step"]!.GetValue<string>()));
        Assert.All(laptop["timeline"]!.AsArray(), step => Assert.NotNull(step!["seconds"]));
        Assert.Equal("pending", detail["machines"]!["laptop-2"]!["status"]!.GetValue<string>());

        // The report is ready once only pull machines' agents are left: laptop-2 is pending, with its code.
        var report = await at.GetAsync($"/api/v1/deployments/{id}/report", admin);
        Assert.True(report.Status == HttpStatusCode.OK, report.ToString());
        Assert.Equal(("deployed", ControlPlaneDocuments.FakeClosureB), (report.Json["machines"]!["laptop-1"]!["status"]!.GetValue<string>(),
            report.Json["machines"]!["laptop-1"]!["newClosure"]!.GetValue<string>()));
        Assert.Equal(("pending", "ND8133"), (report.Json["machines"]!["laptop-2"]!["status"]!.GetValue<string>(),
            report.Json["machines"]!["laptop-2"]!["errorCode"]!.GetValue<string>()));
        Assert.False(report.Json["succeeded"]!.GetValue<bool>());

        var status = await InstalledTool.RunAsync(TestRunDirectory.Root, "status", "--server", at.Address.AbsoluteUri, "--token-file", readFile, "--json");
        Assert.Equal(1, status.ExitCode);
        var rows = JsonDocument.Parse(status.StandardOutput).RootElement.EnumerateArray().ToDictionary(row => row.GetProperty("machine").GetString()!);
        Assert.Equal(("deployed", ControlPlaneDocuments.FakeClosureB, true), (rows["laptop-1"].GetProperty("lastDeployStatus").GetString(),
            rows["laptop-1"].GetProperty("liveClosure").GetString(), rows["laptop-1"].GetProperty("atDesiredClosure").GetBoolean()));
        Assert.Equal(("pending", false), (rows["laptop-2"].GetProperty("lastDeployStatus").GetString(), rows["laptop-2"].GetProperty("atDesiredClosure").GetBoolean()));
        var plain = await InstalledTool.RunAsync(TestRunDirectory.Root, "status", "--server", at.Address.AbsoluteUri, "--token-file", readFile);
        Assert.Contains("laptop-2 is pending: its agent has not applied its desired closure yet", plain.StandardOutput);
    }

    private static async Task<string> MachineTokenAsync(ControlPlaneProcess server, string admin, string machine)
    {
        var created = await server.PostAsync($"/api/v1/machines/{machine}/token", admin);
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        Assert.Equal(machine, created.Json["machine"]!.GetValue<string>());
        return created.Json["token"]!.GetValue<string>();
    }

    /// <summary>Posts a deployment of these machines, all at <paramref name="closure"/>, with a policy and two caches; returns its id.</summary>
    private static async Task<string> PostAsync(ControlPlaneProcess server, string admin, string closure, params (string Name, JsonObject Spec)[] machines)
    {
        var document = JsonNode.Parse(ControlPlaneDocuments.Deployment(machines.Select(machine => (machine.Name, machine.Spec, closure))))!;
        document["schemaVersion"] = 2;
        document["policy"] = new JsonObject { ["parallelism"] = 2, ["onFailure"] = "continue", ["confirmTimeoutSeconds"] = 3, ["activationTimeoutSeconds"] = 7 };
        document["caches"] = new JsonObject
        {
            ["cp"] = new JsonObject { ["url"] = $"{server.Address.AbsoluteUri.TrimEnd('/')}/cache", ["publicKey"] = FleetKey, ["useForDeploy"] = true },
            ["other"] = new JsonObject { ["url"] = "https://cache.example.org", ["publicKey"] = "other-1:BBBB", ["useForDeploy"] = false },
        };
        var posted = await server.PostAsync("/api/v1/deployments", admin, document.ToJsonString());
        Assert.True(posted.Status == HttpStatusCode.Created, posted.ToString());
        return posted.Json["id"]!.GetValue<string>();
    }

    private static async Task<HttpResponseMessage> CacheAsync(ControlPlaneProcess server, HttpMethod method, string path, string token, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"nixdeploy:{token}")));
        if (body is not null)
            request.Content = new StringContent(body);
        return await server.Http.SendAsync(request);
    }
}
