using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Cache;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Server;

public sealed class BuildServerHosts() : TestHosts(first: 173, count: 7);

/// <summary>
/// Builds on the control plane: a real <c>dotnet nixdeploy serve</c> fetches a local git repository of a test fleet
/// into its own work tree, runs the SDK's build on the nixpkgs stand-in, and records the result; its log followed
/// while it runs; autoDeploy onto test hosts.
/// </summary>
public sealed class BuildServerTests(BuildServerHosts hosts) : IClassFixture<BuildServerHosts>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_build_is_followed_while_it_runs_a_second_trigger_is_already_running_and_its_commit_and_closures_are_recorded()
    {
        using var fleet = await new TestFleet().Machine("web-1", "127.0.0.181").Machine("db-1", "127.0.0.182", 2222, "db").Project("cp-build").CreateAsync();
        var (data, config) = Setup("cp-build", fleet, autoDeploy: false);
        var ci = await ControlPlaneProcess.CreateTokenAsync(data, "ci");
        await using var server = await ControlPlaneProcess.StartAsync(data, config);

        var triggered = await server.PostAsync("/api/v1/builds", ci);
        Assert.Equal(HttpStatusCode.Accepted, triggered.Status);
        Assert.Equal("triggered", triggered.Json["status"]!.GetValue<string>());
        var id = triggered.Json["id"]!.GetValue<string>();
        var again = await server.PostAsync("/api/v1/builds", ci);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("already_running", again.Json["status"]!.GetValue<string>());
        Assert.Equal(id, again.Json["id"]!.GetValue<string>());

        var (lines, end, runningWhenFirstLineCame) = await FollowAsync(server, $"/api/v1/builds/{id}/logs/stream", ci, id);
        Assert.True(runningWhenFirstLineCame, "the first line of the log must arrive while the build runs");
        Assert.Equal("success", end);
        Assert.Contains(lines, line => line.StartsWith("$ dotnet build", StringComparison.Ordinal));

        var build = (await server.GetAsync($"/api/v1/builds/{id}", ci)).Json;
        Assert.Equal("success", build["status"]!.GetValue<string>());
        Assert.False(build["running"]!.GetValue<bool>());
        Assert.Equal(await HeadAsync(fleet.Directory), build["commit"]!.GetValue<string>());
        Assert.NotNull(build["finishedAt"]);
        Assert.Null(build["errorCode"]);
        var closures = build["closures"]!.AsObject();
        Assert.Equal(["db-1", "web-1"], closures.Select(pair => pair.Key).Order());
        Assert.All(closures, pair => Assert.True(Directory.Exists(pair.Value!.GetValue<string>()), $"{pair.Value} must be built in the store"));
        Assert.False(File.Exists(fleet.PathOf("bin/nixdeploy/deployment.json")), "the server builds in its own work tree, not in the repository");
        Assert.True(File.Exists(Path.Combine(data, "builds", "work", "bin", "nixdeploy", "deployment.json")));
        Assert.Equal(id, (await server.GetAsync("/api/v1/builds/latest", ci)).Json["id"]!.GetValue<string>());
        Assert.Equal(id, (await server.GetAsync("/api/v1/builds?limit=1", ci)).Json["items"]![0]!["id"]!.GetValue<string>());

        var tail = await server.GetAsync($"/api/v1/builds/{id}/logs?lines=2", ci);
        Assert.Equal(HttpStatusCode.OK, tail.Status);
        Assert.Equal(Text(lines.TakeLast(2)), tail.Body);
        Assert.EndsWith("\nnixdeploy: build success\n", tail.Body);
        Assert.Equal(Text(lines), (await server.GetAsync($"/api/v1/builds/{id}/logs", ci)).Body);
        // After the build ended, the stream (here asked for by Accept) gives the whole log and the end at once.
        var (after, afterEnd, _) = await FollowAsync(server, $"/api/v1/builds/{id}/logs", ci, id);
        Assert.Equal(lines, after);
        Assert.Equal("success", afterEnd);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.GetAsync($"/api/v1/builds/{id}/logs?lines=0", ci)).Status);
        Assert.Equal("ND8016", (await server.GetAsync("/api/v1/builds/nope", ci)).Code);
    }

    [Fact]
    public async Task A_machine_that_does_not_build_fails_the_build_with_ND1201_as_the_tools_builds_commands_show()
    {
        using var fleet = await new TestFleet()
            .Machine("web-1", "127.0.0.181")
            .Machine(new TestMachine("web-2", "127.0.0.182", 2222, ["web"]) { Configuration = "nixdeploy.standin.buildFails = true;" })
            // A warning's code comes first in the output; the build's error code is the error's.
            .Project("cp-build-fails", p => p.Raw("""<Target Name="WarnFirst" BeforeTargets="EvaluateBlueprint"><Warning Code="ND4005" Text="a warning before the failure" /></Target>"""))
            .CreateAsync();
        var (data, config) = Setup("cp-build-fails", fleet, autoDeploy: false);
        var ci = await ControlPlaneProcess.CreateTokenAsync(data, "ci");
        await using var server = await ControlPlaneProcess.StartAsync(data, config);
        var tokenFile = Path.Combine(Path.GetDirectoryName(config)!, "ci.token");
        File.WriteAllText(tokenFile, ci + "\n");
        var url = server.Address.ToString();

        var trigger = await InstalledTool.RunAsync(TestRunDirectory.Root, "builds", "trigger", "--server", url, "--token-file", tokenFile, "--json");
        Assert.True(trigger.ExitCode == 0, trigger.ToString());
        var id = JsonNode.Parse(trigger.StandardOutput)!["id"]!.GetValue<string>();
        var follow = await InstalledTool.RunProcessAsync(await InstalledTool.PathAsync(), ["builds", "logs", id, "--follow", "--server", url, "--token-env", "ND_TEST_BUILD_TOKEN"],
            TestRunDirectory.Root, new Dictionary<string, string?> { ["ND_TEST_BUILD_TOKEN"] = ci });
        var status = await InstalledTool.RunAsync(TestRunDirectory.Root, "builds", "status", "--server", url, "--token-file", tokenFile, "--json");
        var logJson = await InstalledTool.RunAsync(TestRunDirectory.Root, "builds", "logs", id, "--lines", "1", "--server", url, "--token-file", tokenFile, "--json");

        Assert.True(follow.ExitCode == 1, follow.ToString());
        Assert.Contains("error ND1201", follow.StandardOutput);
        Assert.Contains("warning ND4005", follow.StandardOutput);
        Assert.EndsWith("nixdeploy: build failed (ND1201)\n", follow.StandardOutput);
        Assert.True(logJson.ExitCode == 0, logJson.ToString());
        var log = JsonNode.Parse(logJson.StandardOutput)!;
        Assert.Equal((id, "nixdeploy: build failed (ND1201)"), (log["build"]!.GetValue<string>(), Assert.Single(log["lines"]!.AsArray())!.GetValue<string>()));
        Assert.Equal(1, status.ExitCode);
        var build = JsonNode.Parse(status.StandardOutput)!;
        Assert.Equal(id, build["id"]!.GetValue<string>());
        Assert.Equal("failed", build["status"]!.GetValue<string>());
        Assert.Equal("ND1201", build["errorCode"]!.GetValue<string>());
        Assert.Empty(build["closures"]!.AsObject());
        Assert.Equal((await server.GetAsync($"/api/v1/builds/{id}/logs", ci)).Body, follow.StandardOutput);
        Assert.DoesNotContain(ci, follow.StandardOutput + follow.StandardError + server.Output);
        Assert.Empty((await server.GetAsync("/api/v1/deployments", ci)).Json["items"]!.AsArray());
    }

    [Fact]
    public async Task With_autoDeploy_a_successful_build_creates_the_deployment_and_the_hosts_run_what_it_built()
    {
        var h = hosts.Lease(2);
        using var fleet = await DeployFleet.CreateAsync("cp-build-deploy", hosts, DeployFleet.Machine("web-1", h[0]), DeployFleet.Machine("web-2", h[1]));
        var (data, config) = Setup("cp-build-deploy", fleet.Project, autoDeploy: true);
        var ci = await ControlPlaneProcess.CreateTokenAsync(data, "ci");
        await using var server = await ControlPlaneProcess.StartAsync(data, config);

        var id = (await server.PostAsync("/api/v1/builds", ci)).Json["id"]!.GetValue<string>();
        var build = await WaitForBuildAsync(server, id, ci);

        Assert.Equal("success", build["status"]!.GetValue<string>());
        var deployment = build["deploymentId"]!.GetValue<string>();
        var detail = await server.WaitForDeploymentAsync(deployment, ci, BuildTimeout);
        Assert.Equal("succeeded", detail["status"]!.GetValue<string>());
        Assert.Equal(await HeadAsync(fleet.Project.Directory), detail["gitCommit"]!.GetValue<string>());
        Assert.Equal(build["closures"]!["web-1"]!.GetValue<string>(), await hosts.LiveSystemAsync(h[0]));
        Assert.Equal(build["closures"]!["web-2"]!.GetValue<string>(), await hosts.LiveSystemAsync(h[1]));
    }

    [Fact]
    public async Task A_build_pushes_to_the_fleets_cache_signed_with_the_key_file_the_servers_config_names_and_never_shows_the_key()
    {
        var keys = TestRunDirectory.CreateFolder("cp-build-cache-keys");
        var (secretKey, publicKey) = await CacheNix.GenerateKeyAsync(keys, "cp-build-1");
        var url = "file://" + Path.Combine(keys, "cache");
        // The fleet names the key as CI gives it, by property: the repository holds no key.
        using var fleet = await new TestFleet().Machine("web-1", "127.0.0.181")
            .Project("cp-build-cache", p => p.Cache("local", ("Url", url), ("SecretKeyFile", "$(NixDeployCacheSigningKeyFile)"))).CreateAsync();
        var (data, config) = Setup("cp-build-cache", fleet, autoDeploy: false, signingKeyFile: secretKey);
        var ci = await ControlPlaneProcess.CreateTokenAsync(data, "ci");
        await using var server = await ControlPlaneProcess.StartAsync(data, config);

        var id = (await server.PostAsync("/api/v1/builds", ci)).Json["id"]!.GetValue<string>();
        var build = await WaitForBuildAsync(server, id, ci);

        Assert.True(build["status"]!.GetValue<string>() == "success", (await server.GetAsync($"/api/v1/builds/{id}/logs", ci)).Body);
        Assert.True(await CacheNix.SignedByAsync(url, build["closures"]!["web-1"]!.GetValue<string>(), publicKey));
        var secret = File.ReadAllText(secretKey).Trim().Split(':')[1];
        Assert.DoesNotContain(secret, (await server.GetAsync($"/api/v1/builds/{id}/logs", ci)).Body);
        Assert.DoesNotContain(secret, server.Output);
    }

    [Fact]
    public async Task Builds_need_a_token_triggering_needs_ci_and_a_server_without_a_repository_says_so()
    {
        var folder = TestRunDirectory.CreateFolder("cp-build-auth");
        var data = Path.Combine(folder, "data");
        var read = await ControlPlaneProcess.CreateTokenAsync(data, "read");
        var ci = await ControlPlaneProcess.CreateTokenAsync(data, "ci");
        var operatorToken = await ControlPlaneProcess.CreateTokenAsync(data, "operator");
        await using var server = await ControlPlaneProcess.StartAsync(data);

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.PostAsync("/api/v1/builds", null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await server.PostAsync("/api/v1/builds", read)).Status);
        foreach (var token in new[] { ci, operatorToken })
        {
            var answer = await server.PostAsync("/api/v1/builds", token);
            Assert.Equal(HttpStatusCode.Conflict, answer.Status);
            Assert.Equal("ND8100", answer.Code);
        }
        foreach (var path in new[] { "/api/v1/builds", "/api/v1/builds/latest", "/api/v1/builds/x", "/api/v1/builds/x/logs", "/api/v1/builds/x/logs/stream" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync(path, null)).Status);
            Assert.NotEqual(HttpStatusCode.Forbidden, (await server.GetAsync(path, read)).Status);
        }
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/api/v1/builds", read)).Status);
        Assert.Equal("ND8016", (await server.GetAsync("/api/v1/builds/latest", read)).Code);
    }

    [Fact]
    public async Task A_build_running_when_the_server_was_killed_is_interrupted_after_the_restart()
    {
        using var fleet = await new TestFleet().Machine("web-1", "127.0.0.181").Project("cp-build-killed").CreateAsync();
        var (data, config) = Setup("cp-build-killed", fleet, autoDeploy: false);
        var ci = await ControlPlaneProcess.CreateTokenAsync(data, "ci");
        string id;
        await using (var server = await ControlPlaneProcess.StartAsync(data, config))
        {
            id = (await server.PostAsync("/api/v1/builds", ci)).Json["id"]!.GetValue<string>();
            await server.KillAsync();
        }

        await using var restarted = await ControlPlaneProcess.StartAsync(data, config);
        var build = (await restarted.GetAsync($"/api/v1/builds/{id}", ci)).Json;
        Assert.Equal("interrupted", build["status"]!.GetValue<string>());
        Assert.Equal("ND8103", build["errorCode"]!.GetValue<string>());
        Assert.False(build["running"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_repository_url_with_a_password_is_refused_before_the_server_starts()
    {
        var folder = TestRunDirectory.CreateFolder("cp-build-password");
        var config = Path.Combine(folder, "server.json");
        File.WriteAllText(config, """{"build": {"repository": "https://ci:hunter2@git.example.org/fleet.git", "ref": "main", "project": "fleet.nixdeploy"}}""");

        var result = await ControlPlaneProcess.RunToExitAsync("--data", Path.Combine(folder, "data"), "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ND8003", result.StandardError);
        Assert.Contains("password", result.StandardError);
        Assert.DoesNotContain("hunter2", result.StandardOutput + result.StandardError);
    }

    /// <summary>The server's config: the fleet's repository (its own folder, a git repository), its main branch and project file.</summary>
    private (string Data, string Config) Setup(string name, TestProject fleet, bool autoDeploy, string? signingKeyFile = null)
    {
        var folder = TestRunDirectory.CreateFolder(name + "-server");
        var config = Path.Combine(folder, "server.json");
        File.WriteAllText(config, new JsonObject
        {
            ["ssh"] = new JsonObject { ["identityFile"] = hosts.IdentityFile, ["knownHostsFile"] = hosts.KnownHostsFile },
            ["build"] = new JsonObject
            {
                ["repository"] = fleet.Directory,
                ["ref"] = "main",
                ["project"] = Path.GetFileName(fleet.ProjectFile),
                ["autoDeploy"] = autoDeploy,
                ["signingKeyFile"] = signingKeyFile,
            },
        }.ToJsonString());
        return (Path.Combine(folder, "data"), config);
    }

    private static async Task<JsonNode> WaitForBuildAsync(ControlPlaneProcess server, string id, string token)
    {
        JsonNode? build = null;
        await TestHosts.WaitUntilAsync(async () =>
        {
            build = (await server.GetAsync($"/api/v1/builds/{id}", token)).Json;
            return !build["running"]!.GetValue<bool>();
        }, BuildTimeout, $"build {id} to finish");
        return build!;
    }

    /// <summary>
    /// Reads the server-sent events of a build's log until its end event: the lines, the end's status, and whether the
    /// build was still running when the first line came.
    /// </summary>
    private static async Task<(List<string> Lines, string End, bool RunningWhenFirstLineCame)> FollowAsync(ControlPlaneProcess server, string path, string token, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var timeout = new CancellationTokenSource(BuildTimeout);
        using var response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {server.Output}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var lines = new List<string>();
        bool? running = null;
        var ended = false;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line == "event: end")
                ended = true;
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && ended)
                return (lines, line["data: ".Length..], running ?? false);
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                running ??= (await server.GetAsync($"/api/v1/builds/{id}", token)).Json["running"]!.GetValue<bool>();
                lines.Add(line["data: ".Length..]);
            }
        }
        throw new InvalidOperationException($"The stream ended without an end event after {lines.Count} lines.");
    }

    private static string Text(IEnumerable<string> lines) => string.Concat(lines.Select(line => line + "\n"));

    private static async Task<string> HeadAsync(string repository) =>
        (await Cli.Wrap("git").WithArguments(["-C", repository, "rev-parse", "HEAD"]).ExecuteBufferedAsync()).StandardOutput.Trim();
}
