using System.Text.Json;
using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.ControlPlane;

public sealed class ControlPlaneHosts() : TestHosts(first: 90, count: 9);

/// <summary>
/// Deploy, PublishDeployment and <c>dotnet nixdeploy --server</c> against a real control plane (<c>serve</c> on
/// loopback with its own SQLite file) that rolls out to real test hosts.
/// </summary>
public sealed class ControlPlaneDeployTests(ControlPlaneHosts hosts) : IClassFixture<ControlPlaneHosts>
{
    [Fact]
    public async Task A_fleet_deployed_through_the_control_plane_is_live_reported_like_a_direct_deploy_and_shown_by_status_with_no_token_in_any_log()
    {
        var addresses = hosts.Lease(3);
        await using var server = await ControlPlaneServer.StartAsync("cp-fleet", hosts);
        var (ciToken, ciTokenFile) = await server.CreateTokenFileAsync("ci");
        var (readToken, readTokenFile) = await server.CreateTokenFileAsync("read");
        using var fleet = await DeployFleet.CreateAsync("cpfleet", hosts,
            DeployFleet.Machine("web-1", addresses[0]), DeployFleet.Machine("web-2", addresses[1]), DeployFleet.Machine("web-3", addresses[2]));
        var runId = Guid.NewGuid().ToString("N");

        var deploy = await fleet.Deploy(("NixDeployControlPlane", server.Url), ("NixDeployControlPlaneTokenFile", ciTokenFile), ("NixDeployRunId", runId))
            .WithBinaryLog().WithVerbosity("diag").BuildAsync();

        deploy.AssertSucceeded();
        deploy.AssertNoStackTrace();
        Assert.Contains($"to {server.Url}/: deployment ", deploy.StandardOutput);
        var report = fleet.Report();
        Assert.Equal(runId, report["runId"]!.GetValue<string>());
        Assert.True(report["succeeded"]!.GetValue<bool>());
        foreach (var (machine, address) in new[] { ("web-1", addresses[0]), ("web-2", addresses[1]), ("web-3", addresses[2]) })
        {
            var closure = fleet.Closure(machine);
            Assert.Equal(closure, await hosts.LiveSystemAsync(address));
            Assert.Equal(closure, await hosts.BootEntryAsync(address));
            Assert.Equal("deployed", fleet.Status(machine));
            Assert.Equal(closure, fleet.MachineReport(machine)["newClosure"]!.GetValue<string>());
        }
        var binaryLog = BinaryLog.Text(deploy.BinaryLogPath!);
        foreach (var log in new[] { deploy.StandardOutput + deploy.StandardError, deploy.DetailedLog, binaryLog, server.Log })
            Assert.DoesNotContain(ciToken, log);
        // The binlog is searched for real: it holds the token file's path.
        Assert.Contains(ciTokenFile, binaryLog);

        var status = await InstalledTool.RunAsync(fleet.Project.Directory, "status", "--server", server.Url, "--token-file", readTokenFile);
        var statusJson = await InstalledTool.RunAsync(fleet.Project.Directory, "status", "--server", server.Url, "--token-file", readTokenFile, "--json");

        Assert.Equal(0, status.ExitCode);
        Assert.Equal(0, statusJson.ExitCode);
        var rows = JsonDocument.Parse(statusJson.StandardOutput).RootElement.EnumerateArray().ToList();
        Assert.Equal(["web-1", "web-2", "web-3"], rows.Select(row => row.GetProperty("machine").GetString()));
        foreach (var (row, address) in rows.Zip(addresses))
        {
            var machine = row.GetProperty("machine").GetString()!;
            Assert.Equal(address, row.GetProperty("address").GetString());
            Assert.Equal(fleet.Closure(machine), row.GetProperty("liveClosure").GetString());
            Assert.True(row.GetProperty("atDesiredClosure").GetBoolean());
            Assert.Equal("deployed", row.GetProperty("lastDeployStatus").GetString());
            Assert.Contains($"{machine} {address} reachable=yes live={fleet.Closure(machine)} generation=- desired=yes last-deploy=deployed", status.StandardOutput);
        }
        Assert.Contains("exit 0: all 3 machine(s) run their desired closure.", status.StandardOutput);

        // The tool's deploy goes through the same Deploy target, and prints the report this run wrote.
        var toolDeploy = await InstalledTool.RunAsync(fleet.Project.Directory, "deploy", "--server", server.Url, "--token-file", ciTokenFile, "--json");

        Assert.Equal(0, toolDeploy.ExitCode);
        var toolReport = JsonDocument.Parse(toolDeploy.StandardOutput).RootElement;
        Assert.NotEqual(runId, toolReport.GetProperty("runId").GetString());
        Assert.Equal(fleet.Report()["runId"]!.GetValue<string>(), toolReport.GetProperty("runId").GetString());
        Assert.Equal(["web-1", "web-2", "web-3"], toolReport.GetProperty("machines").EnumerateObject().Select(machine => machine.Name));
        Assert.DoesNotContain(readToken, status.All + statusJson.All);
        Assert.DoesNotContain(ciToken, toolDeploy.All);
    }

    [Fact]
    public async Task PublishDeployment_posts_a_changed_deployment_skips_an_unchanged_one_and_posts_it_when_forced()
    {
        var address = hosts.Lease(1)[0];
        await using var server = await ControlPlaneServer.StartAsync("cp-publish", hosts);
        var (ciToken, _) = await server.CreateTokenFileAsync("ci");
        var variable = $"ND_TEST_CI_TOKEN_{Guid.NewGuid():N}";
        using var fleet = await DeployFleet.CreateAsync("cppublish", hosts, DeployFleet.Machine("web-1", address));
        DotnetBuild Publish(params (string Name, string Value)[] properties)
        {
            var build = fleet.Project.Dotnet().WithTargets("PublishDeployment").WithEnvironment(variable, ciToken)
                .WithProperty("NixDeployControlPlane", server.Url).WithProperty("NixDeployControlPlaneTokenVariable", variable);
            foreach (var (name, value) in properties)
                build.WithProperty(name, value);
            return build;
        }

        var first = await Publish().BuildAsync();

        first.AssertSucceeded();
        var deployments = await DeploymentIdsAsync(server, ciToken);
        var id = Assert.Single(deployments);
        Assert.Contains($"deployment {id}", first.StandardOutput);
        // The server rolls it out: the host ends up running the closure the build posted.
        await TestHosts.WaitUntilAsync(async () => await hosts.LiveSystemAsync(address) == fleet.Closure("web-1"), TimeSpan.FromMinutes(2),
            "the control plane to deploy web-1");

        var previous = Path.Combine(fleet.Project.Folder, "previous-deployment.json");
        File.Copy(fleet.Project.PathOf("bin/nixdeploy/deployment.json"), previous);
        var unchanged = await Publish(("NixDeployPreviousManifest", previous)).BuildAsync();

        unchanged.AssertSucceeded();
        Assert.Contains("has not changed since the previous deployment (NixDeployChanged is not true): not posted to", unchanged.StandardOutput);

        var forced = await Publish(("NixDeployPreviousManifest", previous), ("NixDeployPublishAlways", "true")).BuildAsync();

        forced.AssertSucceeded();
        Assert.Contains($"the same desired state as deployment {id}, which it already has", forced.StandardOutput);
        Assert.Equal([id], await DeploymentIdsAsync(server, ciToken));
        Assert.DoesNotContain(ciToken, first.StandardOutput + unchanged.StandardOutput + forced.StandardOutput);
    }

    [Fact]
    public async Task A_wrong_token_a_token_without_the_ci_role_and_a_stopped_server_fail_the_deploy_with_codes_and_NixDeployWait_false_only_posts()
    {
        var address = hosts.Lease(1)[0];
        await using var server = await ControlPlaneServer.StartAsync("cp-errors", hosts);
        var (_, ciTokenFile) = await server.CreateTokenFileAsync("ci");
        var (_, readTokenFile) = await server.CreateTokenFileAsync("read");
        var wrongTokenFile = Path.Combine(server.Folder, "wrong.token");
        File.WriteAllText(wrongTokenFile, "nd-not-a-token-of-this-server\n");
        using var fleet = await DeployFleet.CreateAsync("cperrors", hosts, DeployFleet.Machine("web-1", address));
        DotnetBuild Deploy(string tokenFile, string runId) =>
            fleet.Deploy(("NixDeployControlPlane", server.Url), ("NixDeployControlPlaneTokenFile", tokenFile), ("NixDeployRunId", runId));

        var wrong = await Deploy(wrongTokenFile, "wrong").BuildAsync();
        var readOnly = await Deploy(readTokenFile, "read-only").BuildAsync();

        Assert.Equal(ErrorCodes.Unauthenticated, Single(wrong).Code);
        var forbidden = Single(readOnly);
        Assert.Equal(ErrorCodes.Forbidden, forbidden.Code);
        Assert.Contains("the role 'ci'", forbidden.Message);
        Assert.False(File.Exists(fleet.ReportPath), "a deploy the control plane refused wrote a report");
        Assert.Equal("", await hosts.LiveSystemAsync(address));

        var posted = await Deploy(ciTokenFile, "no-wait").WithProperty("NixDeployWait", "false").BuildAsync();

        posted.AssertSucceeded();
        Assert.Contains("not waiting for deployment", posted.StandardOutput);
        Assert.False(File.Exists(fleet.ReportPath), "a deploy that did not wait wrote a report");

        // The same desired state again is the same deployment: this deploy follows that rollout to its end (rolled out
        // again, web-1 then unchanged, if it had ended already).
        var good = await Deploy(ciTokenFile, "good").BuildAsync();

        good.AssertSucceeded();
        Assert.Contains("the same desired state as deployment", good.StandardOutput);
        Assert.Contains(fleet.Status("web-1"), new[] { "deployed", "unchanged" });
        Assert.Equal(fleet.Closure("web-1"), await hosts.LiveSystemAsync(address));
        await server.StopAsync();
        var stopped = await Deploy(ciTokenFile, "stopped").BuildAsync();

        var unreachable = Single(stopped);
        Assert.Equal(ErrorCodes.ControlPlaneUnreachable, unreachable.Code);
        Assert.Contains(server.Url, unreachable.Message);
        // The report stays the last deploy's: nothing claims this run succeeded.
        Assert.Equal("good", fleet.Report()["runId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_machine_the_control_plane_rolls_back_fails_the_build_with_its_code_rollback_server_returns_a_machine_to_its_previous_system_and_deploying_again_repairs_it()
    {
        var a = hosts.Lease(2);
        await using var server = await ControlPlaneServer.StartAsync("cp-failure", hosts);
        var (_, ciTokenFile) = await server.CreateTokenFileAsync("ci");
        var (operatorToken, operatorTokenFile) = await server.CreateTokenFileAsync("operator");
        using var fleet = await DeployFleet.CreateAsync("cpfailure", hosts, DeployFleet.Machine("web-1", a[0]), DeployFleet.Machine("web-2", a[1]));
        DotnetBuild Deploy() => fleet.Deploy(("NixDeployControlPlane", server.Url), ("NixDeployControlPlaneTokenFile", ciTokenFile));
        (await Deploy().BuildAsync()).AssertSucceeded();
        var first = new[] { "web-1", "web-2" }.ToDictionary(machine => machine, fleet.Closure);
        await fleet.ReconfigureAsync("web-1", m => m with { Configuration = m.Configuration + "\n  services.extra.enable = true;" });
        await fleet.ReconfigureAsync("web-2", m => m with { Configuration = "nixdeploy.standin.services.web.healthy = false;" });

        var failing = await Deploy().BuildAsync();

        // As a direct deploy fails: one error per machine that did not reach its desired state, with its code.
        var error = Single(failing);
        Assert.Equal("ND5006", error.Code);
        Assert.StartsWith("web-2 (rolled-back)", error.Message);
        Assert.Equal(("deployed", "rolled-back", "ND5006"), (fleet.Status("web-1"), fleet.Status("web-2"), fleet.ErrorCode("web-2")));
        Assert.False(fleet.Report()["succeeded"]!.GetValue<bool>());
        Assert.Equal(fleet.Closure("web-1"), await hosts.LiveSystemAsync(a[0]));
        Assert.Equal(first["web-2"], await hosts.LiveSystemAsync(a[1]));

        var rollback = await InstalledTool.RunAsync(fleet.Project.Directory, "rollback", "web-1", "--server", server.Url, "--token-file", operatorTokenFile, "--json");

        Assert.Equal(0, rollback.ExitCode);
        var row = Assert.Single(JsonDocument.Parse(rollback.StandardOutput).RootElement.EnumerateArray());
        Assert.Equal(("web-1", true, first["web-1"]),
            (row.GetProperty("machine").GetString(), row.GetProperty("rolledBack").GetBoolean(), row.GetProperty("liveClosure").GetString()));
        Assert.Equal(first["web-1"], await hosts.LiveSystemAsync(a[0]));
        Assert.DoesNotContain(operatorToken, rollback.All);

        // The same desired state deployed again is the same deployment, rolled out again from the live systems: the
        // server returns web-1 to its desired closure (drift repaired) and rolls web-2 back once more.
        var deployments = await DeploymentIdsAsync(server, operatorToken);
        var again = await Deploy().BuildAsync();

        Assert.Equal("ND5006", Single(again).Code);
        Assert.Equal(("deployed", "rolled-back"), (fleet.Status("web-1"), fleet.Status("web-2")));
        Assert.Equal(fleet.Closure("web-1"), await hosts.LiveSystemAsync(a[0]));
        Assert.Equal(deployments, await DeploymentIdsAsync(server, operatorToken));

        // A rollout that outlasts NixDeployControlPlaneTimeout: the build stops waiting with ND8047, the rollout goes on.
        var lastRun = fleet.Report()["runId"]!.GetValue<string>();
        await fleet.ReconfigureAsync("web-2", m => m with
        {
            Configuration = "nixdeploy.standin.services.web.healthy = true;\n  services.extra.enable = true;",
            HealthChecksNix = """[ { command = "sleep 8"; timeout = 10; interval = 1; } ]""",
        });

        var slow = await Deploy().WithProperty("NixDeployControlPlaneTimeout", "1").BuildAsync();

        var timedOut = Single(slow);
        Assert.Equal(ErrorCodes.ControlPlaneTimedOut, timedOut.Code);
        Assert.Contains("the rollout goes on there", timedOut.Message);
        Assert.Equal(lastRun, fleet.Report()["runId"]!.GetValue<string>());
    }

    private static BuildDiagnostic Single(BuildResult build)
    {
        build.AssertFailed();
        build.AssertNoStackTrace();
        return Assert.Single(build.Errors);
    }

    private static async Task<IReadOnlyList<string>> DeploymentIdsAsync(ControlPlaneServer server, string token) =>
        (await server.GetAsync(ControlPlaneRoutes.Deployments, token))["items"]!.AsArray().Select(item => item!["id"]!.GetValue<string>()).ToList();
}
