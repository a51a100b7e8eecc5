using System.Net;
using System.Text.Json.Nodes;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Server;

public sealed class WaveRolloutHosts() : TestHosts(first: 38, count: 1);

/// <summary>A real <c>dotnet nixdeploy serve</c> rolls a deployment out in the waves of the document's policy.</summary>
public sealed class WaveRolloutTests(WaveRolloutHosts hosts, ControlPlaneClosures closures)
    : IClassFixture<WaveRolloutHosts>, IClassFixture<ControlPlaneClosures>
{
    [Fact]
    public async Task A_rollout_takes_its_waves_and_failure_budget_from_the_documents_policy()
    {
        var h = hosts.Lease(1);
        var folder = TestRunDirectory.CreateFolder("cp-waves");
        var (data, config) = ControlPlane.ControlPlaneServer.Configure(folder, hosts);
        var ci = await ControlPlaneProcess.CreateTokenAsync(data, "ci");
        await using var server = await ControlPlaneProcess.StartAsync(data, config);

        var stopped = await RollOutAsync(server, ci, new JsonObject { ["waves"] = "@canary/*" });

        Assert.Equal("failed", stopped.Detail["status"]!.GetValue<string>());
        Assert.Equal("unreachable", stopped.Report["machines"]!["canary-1"]!["status"]!.GetValue<string>());
        var web1 = stopped.Report["machines"]!["web-1"]!;
        Assert.Equal("skipped", web1["status"]!.GetValue<string>());
        Assert.Equal("ND5045", web1["errorCode"]!.GetValue<string>());
        Assert.Equal(2, web1["wave"]!.GetValue<int>());
        Assert.Equal(["@canary over-budget", "* not-started"], stopped.Report["waves"]!.AsArray().Select(wave => $"{wave!["spec"]} {wave["outcome"]}"));
        Assert.Equal("", await hosts.LiveSystemAsync(h[0]));
        Assert.False(await hosts.InStoreAsync(h[0], closures.A), "the second wave's closure was copied");

        var allowed = await RollOutAsync(server, ci, new JsonObject { ["waves"] = "@canary/*", ["maxFailures"] = "1" });

        Assert.Equal("deployed", allowed.Report["machines"]!["web-1"]!["status"]!.GetValue<string>());
        Assert.Equal(["@canary healthy", "* healthy"], allowed.Report["waves"]!.AsArray().Select(wave => $"{wave!["spec"]} {wave["outcome"]}"));
        Assert.Equal(closures.A, await hosts.LiveSystemAsync(h[0]));

        async Task<(JsonNode Detail, JsonNode Report)> RollOutAsync(ControlPlaneProcess server, string token, JsonObject waves)
        {
            var canary = ControlPlaneDocuments.Machine(hosts.DeadAddress, TestHosts.Port);
            canary["labels"] = new JsonArray("canary");
            var document = JsonNode.Parse(ControlPlaneDocuments.Deployment(
                [("canary-1", canary, closures.A), ("web-1", ControlPlaneDocuments.Machine(h[0], TestHosts.Port), closures.A)]))!.AsObject();
            // Version 2, as a build writes it: the policy carries the project's NixDeployWaves and NixDeployMaxFailures.
            document["schemaVersion"] = 2;
            document["selection"] = new JsonObject { ["machines"] = new JsonArray("canary-1", "web-1") };
            var policy = new JsonObject { ["parallelism"] = 10, ["onFailure"] = "continue", ["confirmTimeoutSeconds"] = 30, ["activationTimeoutSeconds"] = 240 };
            foreach (var (key, value) in waves)
                policy[key] = value!.DeepClone();
            document["policy"] = policy;
            var posted = await server.PostAsync("/api/v1/deployments", token, document.ToJsonString());
            Assert.True(posted.Status is HttpStatusCode.Created or HttpStatusCode.OK, posted.ToString());
            var id = posted.Json["id"]!.GetValue<string>();
            var detail = await server.WaitForDeploymentAsync(id, token, TimeSpan.FromMinutes(3));
            var report = await server.GetAsync($"/api/v1/deployments/{id}/report", token);
            Assert.Equal(HttpStatusCode.OK, report.Status);
            return (detail, report.Json);
        }
    }
}
