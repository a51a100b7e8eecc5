using System.Text.Json.Nodes;
using NixDeploy.Tests.Cache;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Tool;

/// <summary>
/// The tool and the SDK exchange data, not text: the tool reads this run's push-report.json and deploy-report.json
/// (known by the run id it gave the build), and validates the project's settings with the tasks' own code.
/// </summary>
public sealed class ToolReportTests
{
    // Nothing listens here: a deploy finds the machine unreachable at once. No test host class uses .184.
    private const string NoHost = "127.0.0.184";

    [Fact]
    public async Task A_bad_setting_is_the_same_coded_error_from_the_tool_as_from_the_task()
    {
        using var project = await new TestFleet().Machine("web-1", NoHost, TestHosts.Port, "web")
            .Project("toolbadsetting", p => p.Property("NixDeployActivationTimeout", "abc")).CreateAsync();
        const string error = "error ND5011: NixDeployActivationTimeout 'abc' is not a whole number.";

        var task = await project.Dotnet().WithTargets("Deploy").WithEnvironment(NixEnvironment.Variables).BuildAsync();
        var status = await InstalledTool.RunAsync(project.Directory, "status");
        var rollback = await InstalledTool.RunAsync(project.Directory, "rollback", "web-1");

        task.AssertFailed();
        Assert.Contains(error, task.StandardOutput);
        foreach (var tool in new[] { status, rollback })
        {
            Assert.True(tool.ExitCode == 2, tool.ToString());
            Assert.Contains(error, tool.StandardError);
            Assert.DoesNotContain("   at ", tool.All);
        }
    }

    [Fact]
    public async Task The_push_summary_comes_from_this_runs_push_report()
    {
        var keys = TestRunDirectory.CreateFolder("toolpushreport-keys");
        var (secretKey, _) = await CacheNix.GenerateKeyAsync(keys, "tool-push-report-1");
        var url = "file://" + Path.Combine(keys, "cache");
        using var project = await CacheProjects.CreateAsync("toolpushreport", p => p.Cache("local", ("Url", url), ("SecretKeyFile", secretKey)),
            new TestFleet().Machine("web-1", NoHost, TestHosts.Port, "web"));
        var reportFile = project.PathOf("bin/nixdeploy/push-report.json");

        var first = await InstalledTool.RunAsync(project.Directory, "push");

        Assert.True(first.ExitCode == 0, first.ToString());
        var report = JsonNode.Parse(File.ReadAllText(reportFile))!;
        Assert.False(string.IsNullOrEmpty(report["runId"]?.GetValue<string>()), report.ToJsonString());
        var cache = Assert.Single(report["caches"]!.AsArray())!;
        Assert.Equal("local", cache["name"]!.GetValue<string>());
        Assert.Equal("pushed", cache["status"]!.GetValue<string>());
        var uploaded = cache["uploadedPaths"]!.GetValue<int>();
        Assert.Equal((await CacheNix.PathInfoAsync(url, CacheProjects.Closure(project))).Count, uploaded);
        Assert.True(cache["uploadedBytes"]!.GetValue<long>() > 0, report.ToJsonString());
        Assert.Contains($"cache 'local' ({url}): uploaded {uploaded} path(s)", first.StandardOutput);

        // An earlier run's report (here: one that claims 99 uploads) is not this run's, whose push is up to date.
        cache["uploadedPaths"] = 99;
        File.WriteAllText(reportFile, report.ToJsonString());
        var second = await InstalledTool.RunAsync(project.Directory, "push");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Nothing uploaded", second.StandardOutput);
        Assert.DoesNotContain("uploaded 99", second.StandardOutput);
        TestRunDirectory.Remove(keys);
    }

    [Fact]
    public async Task Every_report_carries_the_id_of_the_run_that_wrote_it()
    {
        using var project = await new TestFleet().Machine("web-1", NoHost, TestHosts.Port, "web").Project("reportrunid").CreateAsync();
        var reportFile = project.PathOf("bin/nixdeploy/deploy-report.json");

        var given = await project.Dotnet().WithTargets("Deploy").WithProperty("NixDeployRunId", "run-given-1").WithEnvironment(NixEnvironment.Variables).BuildAsync();
        var givenId = JsonNode.Parse(File.ReadAllText(reportFile))!["runId"]?.GetValue<string>();
        var fresh = await project.Dotnet().WithTargets("Deploy").WithEnvironment(NixEnvironment.Variables).BuildAsync();
        var freshId = JsonNode.Parse(File.ReadAllText(reportFile))!["runId"]?.GetValue<string>();

        Assert.Contains("ND5001", given.StandardOutput);
        Assert.Equal("run-given-1", givenId);
        Assert.Contains("ND5001", fresh.StandardOutput);
        Assert.False(string.IsNullOrEmpty(freshId), fresh.ToString());
        Assert.NotEqual(givenId, freshId);
    }

    [Fact]
    public async Task A_deploy_report_of_an_earlier_run_is_never_taken_for_this_runs()
    {
        using var project = await new TestFleet().Machine("web-1", NoHost, TestHosts.Port, "web").Project("toolstalereport").CreateAsync();
        var deployed = await project.Dotnet().WithTargets("Deploy").WithEnvironment(NixEnvironment.Variables).BuildAsync();
        var reportFile = project.PathOf("bin/nixdeploy/deploy-report.json");
        Assert.True(File.Exists(reportFile), deployed.ToString());
        // Written, as far as its time says, while the next run is under way (another deploy of the fleet, a clock step).
        File.SetLastWriteTimeUtc(reportFile, DateTime.UtcNow.AddHours(1));

        // This run fails before its Deploy task runs: it has no report of its own.
        var result = await InstalledTool.RunAsync(project.Directory, "deploy", "--on", "nope");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error ND1112:", result.StandardError);
        Assert.DoesNotContain("machine(s):", result.All);
    }

    [Fact]
    public async Task A_project_that_does_not_use_the_sdk_is_a_coded_error_not_a_default()
    {
        var folder = TestRunDirectory.CreateFolder("tool-not-sdk");
        File.WriteAllText(Path.Combine(folder, "fleet.nixdeploy"), "<Project />\n");

        var result = await InstalledTool.RunAsync(folder, "status");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("error ND7018:", result.StandardError);
        Assert.Contains("NixDeployManifestFile", result.StandardError);
        TestRunDirectory.Remove(folder);
    }
}
