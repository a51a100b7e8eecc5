using NixDeploy.Tests.Cache;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Tool;

/// <summary>`dotnet nixdeploy push` against a real file:// NixDeployCache: the cache holds the closure signed.</summary>
public sealed class PushToolTests
{
    [Fact]
    public async Task Push_uploads_the_closure_signed_to_a_file_cache_and_a_second_push_uploads_nothing()
    {
        var (keys, secretKey, publicKey, url, project) = await FileCacheProjectAsync("toolpush");
        using var _ = project;

        var first = await InstalledTool.RunAsync(project.Directory, "push");

        Assert.True(first.ExitCode == 0, first.ToString());
        var closure = CacheProjects.Closure(project);
        var paths = await CacheNix.PathInfoAsync(url, closure);
        Assert.Contains($"cache 'local' ({url}): uploaded {paths.Count} path(s)", first.StandardOutput);
        Assert.All(paths, path => Assert.Contains(path!["signatures"]!.AsArray(), s => s!.GetValue<string>().StartsWith("tool-push-1:")));
        Assert.True(await CacheNix.SignedByAsync(url, closure, publicKey));
        Assert.DoesNotContain(File.ReadAllText(secretKey).Split(':')[1].Trim(), first.All);

        var second = await InstalledTool.RunAsync(project.Directory, "push");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Nothing uploaded", second.StandardOutput);
        Assert.DoesNotMatch(@"uploaded [1-9]", second.StandardOutput);
        TestRunDirectory.Remove(keys);
    }

    [Theory]
    [InlineData("ND4001", "Url", "ftp://cache.example.org")]
    [InlineData("ND4002", "SecretKeyFile", "/nonexistent/cache.secret")]
    public async Task A_cache_that_is_not_valid_is_bad_input_exit_code_2(string code, string metadata, string value)
    {
        using var project = await CacheProjects.CreateAsync("toolbadcache", p => p.Cache("broken", metadata == "Url" ? [(metadata, value)] : [("Url", "file:///tmp/nixdeploy-never-written"), (metadata, value)]),
            new TestFleet().Machine("web-1", "127.0.0.181", TestHosts.Port, "web"));

        var result = await InstalledTool.RunAsync(project.Directory, "push");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"error {code}:", result.All);
        Assert.DoesNotContain("   at ", result.All);
    }

    [Fact]
    public async Task Push_dry_run_uploads_nothing_and_lists_what_it_would_upload()
    {
        var (keys, _, _, url, project) = await FileCacheProjectAsync("toolpushdry");
        using var _ = project;

        var result = await InstalledTool.RunAsync(project.Directory, "push", "--dry-run");

        Assert.True(result.ExitCode == 0, result.ToString());
        var closure = CacheProjects.Closure(project);
        Assert.Matches($@"cache 'local' \({url}\): would upload [1-9]\d* path\(s\), ", result.StandardOutput);
        Assert.Contains($"would upload {closure} (", result.StandardOutput);
        Assert.False(Directory.Exists(Path.Combine(keys, "cache")), "push --dry-run wrote to the cache");
        TestRunDirectory.Remove(keys);
    }

    /// <summary>A fresh key in a folder of its own, and a project whose cache 'local' is file://FOLDER/cache, signed with it.</summary>
    private static async Task<(string Keys, string SecretKey, string PublicKey, string Url, TestProject Project)> FileCacheProjectAsync(string name)
    {
        var keys = TestRunDirectory.CreateFolder(name + "-keys");
        var (secretKey, publicKey) = await CacheNix.GenerateKeyAsync(keys, "tool-push-1");
        var url = "file://" + Path.Combine(keys, "cache");
        // The push never contacts the machine; its address is only in the blueprint.
        var project = await CacheProjects.CreateAsync(name, p => p.Cache("local", ("Url", url), ("SecretKeyFile", secretKey)),
            new TestFleet().Machine("web-1", "127.0.0.180", TestHosts.Port, "web"));
        return (keys, secretKey, publicKey, url, project);
    }
}
