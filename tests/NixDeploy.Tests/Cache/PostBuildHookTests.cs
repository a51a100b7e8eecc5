using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Cache;

/// <summary>
/// `dotnet nixdeploy post-build-hook` as Nix's post-build-hook in a real `nix build`: the installed tool, behind
/// the one-line script docs/caches.md shows.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PostBuildHookTests
{
    [Fact]
    public async Task A_real_nix_build_with_the_hook_pushes_what_it_built_to_the_cache_signed()
    {
        var folder = TestRunDirectory.CreateFolder("hook-ok");
        var (secretKey, publicKey) = await CacheProjects.KeyAsync(folder);
        var cacheUrl = "file://" + Path.Combine(folder, "cache");
        var log = Path.Combine(folder, "hook.log");
        var hook = await HookScriptAsync(folder, new JsonObject
        {
            ["caches"] = new JsonArray(new JsonObject { ["name"] = "local", ["url"] = cacheUrl, ["secretKeyFile"] = secretKey }),
            ["logFile"] = log,
        });

        var (exitCode, output) = await NixBuildWithHookAsync(hook);

        Assert.True(exitCode == 0, output);
        Assert.True(await CacheNix.SignedByAsync(cacheUrl, output, publicKey), $"{output} is not in the cache, signed");
        var text = File.ReadAllText(log);
        Assert.Contains($"pushing {output}", text);
        Assert.Contains("cache 'local' (" + cacheUrl + "): uploaded 1 path(s)", text);
        Assert.DoesNotContain(File.ReadAllText(secretKey).Split(':')[1].Trim(), text);
        TestRunDirectory.Remove(folder);
    }

    [Fact]
    public async Task When_the_cache_is_down_the_hook_retries_logs_a_warning_and_the_build_still_succeeds()
    {
        var folder = TestRunDirectory.CreateFolder("hook-down");
        var (secretKey, _) = await CacheProjects.KeyAsync(folder);
        var log = Path.Combine(folder, "hook.log");
        var hook = await HookScriptAsync(folder, new JsonObject
        {
            ["caches"] = new JsonArray(new JsonObject { ["name"] = "down", ["url"] = "http://127.0.0.1:1", ["secretKeyFile"] = secretKey, ["required"] = true }),
            ["retryCount"] = 1,
            ["retryDelayMilliseconds"] = 50,
            ["logFile"] = log,
        });

        var (exitCode, output) = await NixBuildWithHookAsync(hook);

        Assert.True(exitCode == 0, output);
        var text = File.ReadAllText(log);
        Assert.Contains("retry 1 of 1 in 50 ms", text);
        Assert.Contains("warning: ND4005: cache 'down' (http://127.0.0.1:1): failed after 2 attempt(s)", text);
        Assert.Contains("Couldn't connect to server", text);
        TestRunDirectory.Remove(folder);
    }

    [Fact]
    public async Task On_a_cache_server_the_hook_pushes_nothing_and_its_log_names_the_config_setting_that_said_so()
    {
        var folder = TestRunDirectory.CreateFolder("hook-server");
        var cacheDir = Path.Combine(folder, "cache");
        var log = Path.Combine(folder, "hook.log");
        var configFile = Path.Combine(folder, "post-build-hook.json");
        File.WriteAllText(configFile, new JsonObject
        {
            ["caches"] = new JsonArray(new JsonObject { ["name"] = "local", ["url"] = "file://" + cacheDir }),
            ["serverHostnames"] = new JsonArray(Environment.MachineName),
            ["logFile"] = log,
        }.ToJsonString());

        var exitCode = await NixDeploy.Cache.PostBuildHook.RunAsync(configFile, "/nix/store/00000000000000000000000000000000-x", null, CancellationToken.None);

        Assert.Equal(0, exitCode);
        var text = File.ReadAllText(log);
        Assert.Contains($"it matches '{Environment.MachineName}' in \"serverHostnames\" of {configFile}", text);
        Assert.DoesNotContain("NixDeployCacheServerHostnames", text);
        Assert.False(Directory.Exists(cacheDir));
        TestRunDirectory.Remove(folder);
    }

    // The nix.conf line docs/caches.md shows points at a script like this one.
    private static async Task<string> HookScriptAsync(string folder, JsonObject config)
    {
        var configFile = Path.Combine(folder, "post-build-hook.json");
        File.WriteAllText(configFile, config.ToJsonString());
        var script = Path.Combine(folder, "post-build-hook");
        File.WriteAllText(script, $"#!/bin/sh\nexec '{await InstalledTool.PathAsync()}' post-build-hook --config '{configFile}'\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    /// <summary>Builds a derivation no one has built before, with the hook; returns nix's exit code and the out path (or its stderr).</summary>
    private static async Task<(int ExitCode, string Output)> NixBuildWithHookAsync(string hook)
    {
        var expression = $$"""derivation { name = "hook-test"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo {{Guid.NewGuid():N}} > $out" ]; }""";
        var environment = InstalledTool.Environment.ToDictionary(pair => pair.Key, pair => pair.Value);
        var result = await Cli.Wrap("nix")
            .WithArguments(["build", "--no-link", "--json", "--impure", "--expr", expression, "--option", "post-build-hook", hook])
            .WithEnvironmentVariables(environment)
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            return (result.ExitCode, result.StandardError);
        return (0, JsonNode.Parse(result.StandardOutput)![0]!["outputs"]!["out"]!.GetValue<string>());
    }
}
