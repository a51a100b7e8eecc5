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
        var file = project.ProjectFile;
        var error = $"{At(file, "NixDeployActivationTimeout")}: error ND5011: NixDeployActivationTimeout 'abc' is not a whole number. "
            + $"NixDeployActivationTimeout is set in {file}; it can be set in (a later one wins): {file}, {file}.user, the command line (-p:NixDeployActivationTimeout=...).";

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

    /// <summary>
    /// A bad value from each layer (Directory.Build.props, the .user file over a good value below it, the command line
    /// or environment) is blamed on that layer, at the property's line, after the list of every layer, from both.
    /// </summary>
    [Theory]
    [InlineData("props")]
    [InlineData("user")]
    [InlineData("command-line")]
    public async Task A_bad_setting_names_every_layer_and_the_one_that_set_it(string layer)
    {
        using var project = await new TestFleet().Machine("web-1", NoHost, TestHosts.Port, "web").Project($"toolsettinglayer-{layer}").CreateAsync();
        var file = project.ProjectFile;
        var props = project.PathOf("Directory.Build.props");
        File.WriteAllText(props, $"""
            <Project>
              <PropertyGroup>
                <NixDeployParallelism>4</NixDeployParallelism>
                {(layer == "props" ? "<NixDeployOnFailure>sometimes</NixDeployOnFailure>" : "")}
              </PropertyGroup>
            </Project>
            """);
        if (layer == "user")
            File.WriteAllText(file + ".user", "<Project>\n  <PropertyGroup>\n    <NixDeployParallelism>0</NixDeployParallelism>\n  </PropertyGroup>\n</Project>\n");
        string Layers(string property) => $"it can be set in (a later one wins): {props}, {file}, {file}.user, the command line (-p:{property}=...).";
        var error = layer switch
        {
            "props" => $"{At(props, "NixDeployOnFailure")}: error ND5011: NixDeployOnFailure 'sometimes' is not a failure policy: use 'continue' (deploy every machine) or 'halt' (start no new machine after a failure). "
                + $"NixDeployOnFailure is set in {props}; {Layers("NixDeployOnFailure")}",
            "user" => $"{At(file + ".user", "NixDeployParallelism")}: error ND5011: NixDeployParallelism is 0: it must be a whole number from 1 to 1000 (machines deployed at once). "
                + $"NixDeployParallelism is set in {file}.user; {Layers("NixDeployParallelism")}",
            _ => $"{file} : error ND5011: NixDeployConfirmTimeout 'soon' is not a whole number. "
                + $"NixDeployConfirmTimeout is set on the command line or in the environment; {Layers("NixDeployConfirmTimeout")}",
        };

        var build = project.Dotnet().WithTargets("Deploy").WithEnvironment(NixEnvironment.Variables);
        var task = await (layer == "command-line" ? build.WithProperty("NixDeployConfirmTimeout", "soon") : build).BuildAsync();
        var status = await InstalledTool.RunProcessAsync(await InstalledTool.PathAsync(), ["status"], project.Directory,
            layer == "command-line" ? new Dictionary<string, string?> { ["NixDeployConfirmTimeout"] = "soon" } : null);

        task.AssertFailed();
        Assert.Contains(error, task.StandardOutput);
        Assert.True(status.ExitCode == 2, status.ToString());
        Assert.Contains(error, status.StandardError);
    }

    [Fact]
    public async Task A_bad_cache_setting_names_every_layer_and_the_one_that_set_it()
    {
        var keys = TestRunDirectory.CreateFolder("toolcachesetting-keys");
        var (secretKey, _) = await CacheNix.GenerateKeyAsync(keys, "tool-cache-setting-1");
        using var project = await CacheProjects.CreateAsync("toolcachesetting",
            p => p.Cache("local", ("Url", "file://" + Path.Combine(keys, "cache")), ("SecretKeyFile", secretKey)),
            new TestFleet().Machine("web-1", NoHost, TestHosts.Port, "web"));
        var file = project.ProjectFile;
        var props = project.PathOf("Directory.Build.props");
        File.WriteAllText(props, "<Project>\n  <PropertyGroup>\n    <NixDeployCacheRetryCount>50</NixDeployCacheRetryCount>\n  </PropertyGroup>\n</Project>\n");

        var push = await project.Dotnet().WithTargets("PushCache").WithEnvironment(NixEnvironment.Variables).BuildAsync();

        push.AssertFailed();
        Assert.Contains($"{At(props, "NixDeployCacheRetryCount")}: error ND4006: NixDeployCacheRetryCount is 50: it must be a whole number from 0 to 20 (retries after a transient failure). "
            + $"NixDeployCacheRetryCount is set in {props}; it can be set in (a later one wins): {props}, {file}, {file}.user, the command line (-p:NixDeployCacheRetryCount=...).",
            push.StandardOutput);
        TestRunDirectory.Remove(keys);
    }

    /// <summary>"FILE(LINE,COLUMN)" of the last element named <paramref name="property"/> in <paramref name="file"/>, as MSBuild points at elements.</summary>
    private static string At(string file, string property)
    {
        var lines = File.ReadAllLines(file);
        var line = Array.FindLastIndex(lines, text => text.Contains($"<{property}>"));
        return $"{file}({line + 1},{lines[line].IndexOf($"<{property}>", StringComparison.Ordinal) + 1})";
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
