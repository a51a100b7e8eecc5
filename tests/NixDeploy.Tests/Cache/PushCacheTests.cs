using System.Text.Encodings.Web;
using System.Text.Json;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Spine;

namespace NixDeploy.Tests.Cache;

/// <summary>PushCache against real caches: a folder (file://) and nginx with WebDAV PUT (http://).</summary>
public sealed class PushCacheTests
{
    [Fact]
    public async Task A_file_cache_gets_the_closure_signed_the_manifest_records_the_key_and_a_second_push_uploads_nothing()
    {
        var keys = TestRunDirectory.CreateFolder("file-cache-keys");
        var (secretKey, publicKey) = await CacheNix.GenerateKeyAsync(keys, "file-cache-1");
        var cacheDir = Path.Combine(keys, "cache");
        var url = "file://" + cacheDir;
        using var project = await CacheProjects.CreateAsync("filecache", p => p.Cache("local", ("Url", url), ("SecretKeyFile", secretKey)));

        var first = await CacheProjects.Push(project).BuildAsync();

        first.AssertSucceeded();
        var closure = CacheProjects.Closure(project);
        var paths = await CacheNix.PathInfoAsync(url, closure);
        Assert.Equal((paths.Count, 0), CacheProjects.Counts(first, "local"));
        Assert.All(paths, path => Assert.Contains(path!["signatures"]!.AsArray(), s => s!.GetValue<string>().StartsWith("file-cache-1:")));
        Assert.True(await CacheNix.SignedByAsync(url, closure, publicKey));
        var cache = Manifests.Read(project)["caches"]!["local"]!;
        Assert.Equal(url, cache["url"]!.GetValue<string>());
        Assert.Equal(publicKey, cache["publicKey"]!.GetValue<string>());

        // Nothing new: the push is up to date and runs no Nix at all.
        var second = await CacheProjects.Push(project).BuildAsync();
        second.AssertSucceeded();
        Assert.True(second.TargetSkipped("_NixDeployPushCache"));
        Assert.False(Manifests.RanNix(second));

        // Forced (stamp gone): the cache is asked, and has everything.
        File.Delete(project.PathOf("obj/nixdeploy/push.stamp"));
        var third = await CacheProjects.Push(project).BuildAsync();
        third.AssertSucceeded();
        Assert.Equal((0, paths.Count), CacheProjects.Counts(third, "local"));
        TestRunDirectory.Remove(keys);
    }

    [Fact]
    public async Task A_build_and_push_without_a_live_view_read_nixs_log_once_it_ended_not_line_by_line()
    {
        // Reading Nix's stderr as it arrives (CliWrap's line delegate) is for the live view's progress file; without
        // one, a push is measurably quicker reading it once (bench/push). The runtime lists each method it compiles,
        // so whether that code ran at all is seen, not timed.
        var keys = TestRunDirectory.CreateFolder("quiet-push-keys");
        var (secretKey, _) = await CacheNix.GenerateKeyAsync(keys, "quiet-push-1");
        using var project = await CacheProjects.CreateAsync("quietpush", p => p.Cache("local", ("Url", "file://" + Path.Combine(keys, "cache")), ("SecretKeyFile", secretKey)));
        var compiled = Path.Combine(keys, "jit.txt");

        var push = await CacheProjects.Push(project)
            .WithEnvironment("DOTNET_JitStdOutFile", compiled).WithEnvironment("DOTNET_JitDisasmSummary", "1").BuildAsync();

        push.AssertSucceeded();
        Assert.True(CacheProjects.Copied(push));
        var methods = File.ReadAllText(compiled);
        Assert.Contains("NixDeploy.Tasks.PushCache", methods);
        Assert.DoesNotContain("<<ToDelegate>", methods);
        // Nor LINQ's Sum over the bytes uploaded: a generic instance over long, which is not precompiled (NuGet's
        // restore, in the same process, sums ints).
        Assert.DoesNotContain("System.Linq.Enumerable:Sum[System.__Canon,long,long]", methods);
        TestRunDirectory.Remove(keys);
    }

    [Fact]
    public async Task An_http_cache_gets_the_closure_signed_and_no_secret_reaches_the_console_the_binlog_or_the_manifest()
    {
        await using var http = await HttpCache.StartAsync("http-cache");
        var secrets = TestRunDirectory.CreateFolder("http-cache-secrets");
        var (secretKey, publicKey) = await CacheNix.GenerateKeyAsync(secrets, "http-cache-1");
        var secretKeyValue = File.ReadAllText(secretKey).Split(':')[1].Trim();
        const string password = "netrc-Pa55word-must-not-leak";
        var netrc = Path.Combine(secrets, "netrc");
        File.WriteAllText(netrc, $"machine 127.0.0.1 login ci password {password}\n");
        using var project = await CacheProjects.CreateAsync("httpcache", p => p
            .Cache("shared", ("Url", http.Url), ("SecretKeyFile", secretKey), ("NetrcFile", netrc), ("Required", "true"), ("UseForDeploy", "true")));

        var first = await CacheProjects.Push(project).WithBinaryLog().WithVerbosity("diag").BuildAsync();

        first.AssertSucceeded();
        var closure = CacheProjects.Closure(project);
        var paths = await CacheNix.PathInfoAsync(http.Url, closure);
        Assert.Equal((paths.Count, 0), CacheProjects.Counts(first, "shared"));
        Assert.True(await CacheNix.SignedByAsync(http.Url, closure, publicKey));
        Assert.True(File.Exists(Path.Combine(http.Root, "nix-cache-info")));
        Assert.Equal(publicKey, Manifests.Read(project)["caches"]!["shared"]!["publicKey"]!.GetValue<string>());
        Assert.True(Manifests.Read(project)["caches"]!["shared"]!["useForDeploy"]!.GetValue<bool>());
        // As written (JSON escapes '+' and '/' may hide a match) and as read.
        var manifest = File.ReadAllText(Manifests.PathIn(project)) + Manifests.Read(project).ToJsonString(Unescaped);
        foreach (var secret in new[] { secretKeyValue, password })
        {
            Assert.DoesNotContain(secret, first.StandardOutput + first.StandardError);
            Assert.DoesNotContain(secret, first.DetailedLog);
            Assert.DoesNotContain(secret, manifest);
            Assert.DoesNotContain(secret, BinaryLog.Text(first.BinaryLogPath!));
        }
        // The binlog is searched for real: it does hold the key file's path.
        Assert.Contains(secretKey, BinaryLog.Text(first.BinaryLogPath!));

        File.Delete(project.PathOf("obj/nixdeploy/push.stamp"));
        var second = await CacheProjects.Push(project).BuildAsync();
        second.AssertSucceeded();
        Assert.Equal((0, paths.Count), CacheProjects.Counts(second, "shared"));
        TestRunDirectory.Remove(secrets);
    }

    [Fact]
    public async Task A_cache_that_stays_down_is_retried_with_backoff_then_warns_or_fails_the_build_per_Required()
    {
        await using var failing = await HttpCache.StartAsync("http-503", status: 503);
        var keys = TestRunDirectory.CreateFolder("down-keys");
        var (secretKey, _) = await CacheProjects.KeyAsync(keys);
        using var project = await CacheProjects.CreateAsync("cachedown", p => p
            .Property("NixDeployCacheRetryCount", "2")
            .Property("NixDeployCacheRetryDelay", "100")
            // Nothing listens on port 1: connection refused.
            .Cache("optional", ("Url", "http://127.0.0.1:1"), ("SecretKeyFile", secretKey))
            .Cache("required", ("Url", failing.Url), ("SecretKeyFile", secretKey), ("Required", "true")));

        var result = await CacheProjects.Push(project).BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        var warning = Assert.Single(result.Warnings, w => w.Code == "ND4005");
        Assert.Contains("'optional'", warning.Message);
        Assert.Contains("Couldn't connect to server", warning.Message);
        var error = Assert.Single(result.Errors);
        Assert.Equal("ND4005", error.Code);
        Assert.Contains("'required'", error.Message);
        Assert.Contains("HTTP error 503", error.Message);
        foreach (var cache in new[] { "optional", "required" })
        {
            Assert.Contains($"'{cache}' (http://127.0.0.1:", result.StandardOutput);
            Assert.Matches($"pushing to '{cache}' .* retry 1 of 2 in 100 ms", result.StandardOutput);
            Assert.Matches($"pushing to '{cache}' .* retry 2 of 2 in 200 ms", result.StandardOutput);
        }
        Assert.False(File.Exists(project.PathOf("obj/nixdeploy/push.stamp")));
        TestRunDirectory.Remove(keys);
    }

    [Fact]
    public async Task On_a_machine_named_as_a_cache_server_nothing_is_pushed_and_the_log_says_why()
    {
        var keys = TestRunDirectory.CreateFolder("server-keys");
        var (secretKey, _) = await CacheProjects.KeyAsync(keys);
        var cacheDir = Path.Combine(keys, "cache");
        using var project = await CacheProjects.CreateAsync("cacheserver", p => p
            .Property("NixDeployCacheServerHostnames", "atticd;" + Environment.MachineName.ToUpperInvariant())
            .Cache("file://" + cacheDir, ("SecretKeyFile", secretKey)));

        var result = await CacheProjects.Push(project).BuildAsync();

        result.AssertSucceeded();
        Assert.Contains($"not pushing to any cache: this machine ('{Environment.MachineName}') is a cache server", result.StandardOutput);
        Assert.False(CacheProjects.Copied(result));
        Assert.False(Directory.Exists(cacheDir));
        TestRunDirectory.Remove(keys);
    }

    [Fact]
    public async Task A_dry_run_push_uploads_nothing_and_says_per_cache_which_paths_and_bytes_it_would_upload()
    {
        var keys = TestRunDirectory.CreateFolder("dryrun-push-keys");
        var (secretKey, _) = await CacheProjects.KeyAsync(keys);
        var emptyDir = Path.Combine(keys, "empty");
        var emptyUrl = "file://" + emptyDir;
        var fullUrl = "file://" + Path.Combine(keys, "full");
        using var project = await CacheProjects.CreateAsync("dryrunpush", p => p
            .Cache("empty", ("Url", emptyUrl), ("SecretKeyFile", secretKey))
            .Cache("full", ("Url", fullUrl), ("SecretKeyFile", secretKey)));
        (await project.Dotnet().WithEnvironment(NixEnvironment.Variables).BuildAsync()).AssertSucceeded();
        var closure = CacheProjects.Closure(project);
        await CacheNix.NixAsync(null, "copy", "--to", $"{fullUrl}?secret-key={secretKey}", closure);
        var paths = await CacheNix.PathInfoAsync(fullUrl, closure);
        var bytes = paths.Sum(path => path!["narSize"]!.GetValue<long>());
        Assert.InRange(bytes, 1024, 1024 * 1024 - 1);

        var result = await CacheProjects.Push(project).WithProperty("NixDeployDryRun", "true").BuildAsync();

        result.AssertSucceeded();
        Assert.Contains($"cache 'empty' ({emptyUrl}): would upload {paths.Count} path(s), {bytes / 1024.0:0.0} KiB (NAR); 0 already present", result.StandardOutput);
        Assert.All(paths, path => Assert.Contains($"cache 'empty' ({emptyUrl}) would upload {path!["path"]!.GetValue<string>()} (", result.StandardOutput));
        Assert.Contains($"cache 'full' ({fullUrl}): would upload 0 path(s), 0 B (NAR); {paths.Count} already present", result.StandardOutput);
        Assert.False(Directory.Exists(emptyDir), "the dry run wrote to the empty cache");
        Assert.False(File.Exists(project.PathOf("obj/nixdeploy/push.stamp")));

        // The push that follows is not taken for up to date: it uploads what the dry run listed.
        var push = await CacheProjects.Push(project).BuildAsync();
        push.AssertSucceeded();
        Assert.Equal((paths.Count, 0), CacheProjects.Counts(push, "empty"));
        TestRunDirectory.Remove(keys);
    }

    [Fact]
    public async Task A_dry_run_finds_a_missing_netrc_file_as_the_push_would()
    {
        using var project = await CacheProjects.CreateAsync("dryrunnonetrc", p => p
            .Cache("bad", ("Url", "http://127.0.0.1:1"), ("NetrcFile", "/nonexistent/netrc")));

        var result = await CacheProjects.Push(project).WithProperty("NixDeployDryRun", "true").BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        Assert.Equal("ND4003", Assert.Single(result.Errors).Code);
    }

    [Theory]
    [InlineData("http://ci:hunter2@127.0.0.1:1", "", "ND4001", "password in its URL")]
    [InlineData("file:///tmp/x?secret-key=/k", "", "ND4001", "SecretKeyFile metadata")]
    [InlineData("ftp://127.0.0.1/cache", "", "ND4001", "not a cache NixDeploy can push to")]
    [InlineData("file:///tmp/nixdeploy-never", "/nonexistent/cache.secret", "ND4002", "does not exist")]
    public async Task A_misconfigured_cache_is_a_coded_error_naming_the_project_without_a_stack_trace(string url, string keyFile, string code, string message)
    {
        using var project = await CacheProjects.CreateAsync("badcache", p => p.Cache("bad", ("Url", url), ("SecretKeyFile", keyFile)));

        var result = await CacheProjects.Push(project).BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        var error = Assert.Single(result.Errors);
        Assert.Equal(code, error.Code);
        Assert.Contains(message, error.Message);
        Assert.EndsWith("badcache.nixdeploy", error.File);
        Assert.DoesNotContain("hunter2", result.StandardOutput);
    }

    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
