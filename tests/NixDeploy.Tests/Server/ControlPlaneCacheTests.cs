using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using NixDeploy.Tests.Cache;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Server;

/// <summary>
/// The control plane's binary cache under /cache with real nix on both sides: <c>nix copy --to</c> with a ci token
/// fills it (HTTP Basic from a netrc file), <c>nix copy --from</c> with a read token substitutes from it and checks CI's
/// signatures; the refusals (roles, tampering, NarHash conflicts, traversal, size) and garbage collection.
/// Deployments posted here go to 127.0.0.126, where nothing listens.
/// </summary>
public sealed class ControlPlaneCacheTests
{
    private const string NobodyAddress = "127.0.0.126";

    [Fact]
    public async Task Nix_copy_with_a_ci_token_fills_the_cache_and_a_read_token_substitutes_it_with_signatures_checked()
    {
        await using var cache = await ControlPlaneCacheServer.StartAsync("cp-cache-copy");
        var (top, dependency) = await ControlPlaneCacheServer.BuildClosureAsync("cp-cache-copy");

        var anonymous = await cache.PushAsync(top, role: null);
        var reader = await cache.PushAsync(top, "read");
        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.NotEqual(0, reader.ExitCode);
        Assert.False(File.Exists(cache.NarInfoFile(top)), "a push without a ci token stored something");

        var pushed = await cache.PushAsync(top, "ci");
        Assert.True(pushed.ExitCode == 0, pushed.StandardError);
        foreach (var path in new[] { top, dependency })
            Assert.True(File.Exists(cache.NarFile(path)), $"{path} has no NAR in the cache");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cache.Root, "tmp")));

        var store = Path.Combine(cache.Folder, "substituted");
        var substituted = await cache.SubstituteAsync(top, "read", store, cache.PublicKey);
        Assert.True(substituted.ExitCode == 0, substituted.StandardError);
        Assert.Equal(File.ReadAllText(top), File.ReadAllText(store + top));
        Assert.True(File.Exists(store + dependency));

        var (_, otherKey) = await CacheNix.GenerateKeyAsync(cache.Folder, "someone-else-1");
        var untrusted = await cache.SubstituteAsync(top, "read", Path.Combine(cache.Folder, "untrusted"), otherKey);
        Assert.NotEqual(0, untrusted.ExitCode);
        Assert.Contains("lacks a valid signature", untrusted.StandardError);
        var withoutToken = await cache.SubstituteAsync(top, role: null, Path.Combine(cache.Folder, "anonymous"), cache.PublicKey);
        Assert.NotEqual(0, withoutToken.ExitCode);
        Assert.False(File.Exists(Path.Combine(cache.Folder, "anonymous") + top));
    }

    [Fact]
    public async Task PushCache_fills_the_control_planes_cache_as_one_more_NixDeployCache()
    {
        await using var cache = await ControlPlaneCacheServer.StartAsync("cp-cache-push");
        using var project = await CacheProjects.CreateAsync("cpcachepush", p => p
            .Cache("control-plane", ("Url", cache.Url), ("SecretKeyFile", cache.SecretKeyFile), ("NetrcFile", cache.Netrc("ci")), ("Required", "true")));

        var push = await CacheProjects.Push(project).BuildAsync();

        push.AssertSucceeded();
        var closure = CacheProjects.Closure(project);
        Assert.True(CacheProjects.Counts(push, "control-plane").Uploaded > 0, push.ToString());
        Assert.DoesNotContain(cache.Tokens["ci"], push.StandardOutput + push.StandardError);
        var substituted = await cache.SubstituteAsync(closure, "read", Path.Combine(cache.Folder, "substituted"), cache.PublicKey);
        Assert.True(substituted.ExitCode == 0, substituted.StandardError);
        Assert.Equal(0, (await CacheNix.RunAsync("path-info", "--store", Path.Combine(cache.Folder, "substituted"), closure)).ExitCode);
    }

    [Fact]
    public async Task The_cache_answers_401_with_a_Basic_challenge_403_below_its_role_and_serves_ranges()
    {
        await using var cache = await ControlPlaneCacheServer.StartAsync("cp-cache-auth");
        var (top, _) = await ControlPlaneCacheServer.BuildClosureAsync("cp-cache-auth");
        Assert.Equal(0, (await cache.PushAsync(top, "ci")).ExitCode);
        var narInfo = "/cache/" + Path.GetFileName(cache.NarInfoFile(top));
        var nar = "/cache/" + Path.GetRelativePath(cache.Root, cache.NarFile(top));

        foreach (var path in new[] { "/cache/nix-cache-info", narInfo, nar })
        {
            var anonymous = await SendAsync(cache, HttpMethod.Get, path, null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
            Assert.Equal("ND8014", anonymous.Code);
            Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.ToString());
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(cache, HttpMethod.Get, path, "ndt_nope_nope")).Status);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(cache, HttpMethod.Get, path, cache.Tokens["read"])).Status);
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(cache, HttpMethod.Head, path, cache.Tokens["read"])).Status);
        }
        var before = File.ReadAllText(cache.NarInfoFile(top));
        var forbidden = await SendAsync(cache, HttpMethod.Put, narInfo, cache.Tokens["read"], Encoding.UTF8.GetBytes(before));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        Assert.Equal("ND8015", forbidden.Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(cache, HttpMethod.Put, narInfo, null, Encoding.UTF8.GetBytes(before))).Status);

        var bytes = File.ReadAllBytes(cache.NarFile(top));
        using var request = Request(HttpMethod.Get, nar, cache.Tokens["read"]);
        request.Headers.Range = new RangeHeaderValue(2, 9);
        using var ranged = await cache.Server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, ranged.StatusCode);
        Assert.Equal(bytes[2..10], await ranged.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(cache, HttpMethod.Get, "/cache/" + new string('0', 32) + ".narinfo", cache.Tokens["read"])).Status);
    }

    [Fact]
    public async Task A_tampered_NAR_is_refused_by_the_reader()
    {
        await using var cache = await ControlPlaneCacheServer.StartAsync("cp-cache-tamper");
        var (top, _) = await ControlPlaneCacheServer.BuildClosureAsync("cp-cache-tamper");
        Assert.Equal(0, (await cache.PushAsync(top, "ci", "&compression=none")).ExitCode);
        var nar = cache.NarFile(top);
        var bytes = File.ReadAllBytes(nar);
        // The file's contents (the dependency's path) inside the NAR: one letter changed.
        var at = Encoding.ASCII.GetString(bytes).IndexOf("/nix/store/", StringComparison.Ordinal) + 1;
        bytes[at] = (byte)'m';
        File.WriteAllBytes(nar, bytes);

        var store = Path.Combine(cache.Folder, "substituted");
        var substituted = await cache.SubstituteAsync(top, "read", store, cache.PublicKey);

        Assert.NotEqual(0, substituted.ExitCode);
        Assert.Contains("hash mismatch", substituted.StandardError);
        // Nix may leave the unpacked bytes behind, but never as a valid path.
        Assert.NotEqual(0, (await CacheNix.RunAsync("path-info", "--store", store, top)).ExitCode);
    }

    [Fact]
    public async Task A_narinfo_with_another_NarHash_is_refused_the_same_one_re_signed_accepted_and_concurrent_uploads_agree()
    {
        await using var cache = await ControlPlaneCacheServer.StartAsync("cp-cache-narhash");
        var (top, _) = await ControlPlaneCacheServer.BuildClosureAsync("cp-cache-narhash");
        Assert.Equal(0, (await cache.PushAsync(top, "ci")).ExitCode);
        var file = cache.NarInfoFile(top);
        var path = "/cache/" + Path.GetFileName(file);
        var original = File.ReadAllText(file);
        var forged = ForgedNarHash(original);

        var conflict = await SendAsync(cache, HttpMethod.Put, path, cache.Tokens["ci"], Encoding.UTF8.GetBytes(forged));

        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal("ND8082", conflict.Code);
        Assert.Equal(original, File.ReadAllText(file));

        var (secondKey, secondPublic) = await CacheNix.GenerateKeyAsync(cache.Folder, "ci-key-2");
        var signed = await CacheNix.RunAsync("--option", "netrc-file", cache.Netrc("ci"), "store", "sign", "--recursive", "--store", cache.Url, "--key-file", secondKey, top);
        Assert.True(signed.ExitCode == 0, signed.StandardError);
        Assert.Equal(2, File.ReadAllLines(file).Count(line => line.StartsWith("Sig: ", StringComparison.Ordinal)));
        var bySecondKey = await cache.SubstituteAsync(top, "read", Path.Combine(cache.Folder, "second-key"), secondPublic);
        Assert.True(bySecondKey.ExitCode == 0, bySecondKey.StandardError);
        var resigned = File.ReadAllText(file);

        // Many uploads of one path at once, half of them with another NarHash, into a cache without it: the first
        // to land decides, every upload of the other NarHash is refused, and the file is whole.
        File.Delete(file);
        var uploads = Enumerable.Range(0, 16).Select(i => i % 2 == 0 ? resigned : forged).ToArray();
        var answers = await Task.WhenAll(uploads.Select(text => SendAsync(cache, HttpMethod.Put, path, cache.Tokens["ci"], Encoding.UTF8.GetBytes(text))));
        var stored = File.ReadAllText(file);
        Assert.Contains(stored, new[] { resigned, forged });
        for (var i = 0; i < uploads.Length; i++)
            Assert.Equal(uploads[i] == stored ? HttpStatusCode.NoContent : HttpStatusCode.Conflict, answers[i].Status);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cache.Root, "tmp")));
    }

    [Fact]
    public async Task Traversal_malformed_narinfos_and_oversized_uploads_are_refused_and_store_nothing()
    {
        await using var cache = await ControlPlaneCacheServer.StartAsync("cp-cache-refusals", new JsonObject { ["maxUploadBytes"] = 1024 });
        var token = cache.Tokens["ci"];
        var narName = new string('1', 52) + ".nar";
        foreach (var path in new[] { "/cache/..%2Fcontrol-plane.db", "/cache/nar/..%2F..%2Fescape.nar", "/cache/nar/" + narName + "%2F..%2F..%2Fescape", "/cache/nix-cache-info.narinfo", "/cache/" + new string('e', 32) + ".narinfo" })
        {
            var answer = await SendAsync(cache, HttpMethod.Put, path, token, Encoding.UTF8.GetBytes("x"));
            Assert.True(answer.Status == HttpStatusCode.BadRequest, $"PUT {path}: {answer}");
            Assert.Contains(answer.Code, new[] { "ND8080", "ND8081" });
        }
        var otherPath = "/cache/" + new string('1', 32) + ".narinfo";
        var mismatched = await SendAsync(cache, HttpMethod.Put, otherPath, token,
            Encoding.UTF8.GetBytes($"StorePath: /nix/store/{new string('2', 32)}-x\nURL: nar/{narName}\nNarHash: sha256:{new string('3', 52)}\nNarSize: 1\n"));
        Assert.Equal("ND8081", mismatched.Code);

        var large = await SendAsync(cache, HttpMethod.Put, "/cache/nar/" + narName, token, new byte[4096]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.Status);
        Assert.Equal("ND8083", large.Code);

        Assert.Equal(["nar", "tmp"], Directory.EnumerateFileSystemEntries(cache.Root).Select(Path.GetFileName).Order());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(cache.Root, "nar")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(cache.Root, "tmp")));
        Assert.False(File.Exists(Path.Combine(cache.Server.DataDirectory, "escape.nar")));
    }

    [Fact]
    public async Task Garbage_collection_keeps_the_last_deployments_closures_and_recent_uploads_and_removes_the_rest()
    {
        await using var cache = await ControlPlaneCacheServer.StartAsync("cp-cache-gc",
            new JsonObject { ["keepDeployments"] = 1, ["keepHours"] = 1, ["collectEveryHours"] = 0 });
        var deployedBefore = await ControlPlaneCacheServer.BuildClosureAsync("cp-gc-before");
        var deployed = await ControlPlaneCacheServer.BuildClosureAsync("cp-gc-deployed");
        var unreferenced = await ControlPlaneCacheServer.BuildClosureAsync("cp-gc-unreferenced");
        var recent = await ControlPlaneCacheServer.BuildClosureAsync("cp-gc-recent");
        foreach (var (top, _) in new[] { deployedBefore, deployed, unreferenced, recent })
            Assert.Equal(0, (await cache.PushAsync(top, "ci")).ExitCode);
        // Everything but the recent closure was uploaded two hours ago.
        var old = DateTime.UtcNow - TimeSpan.FromHours(2);
        foreach (var (top, dependency) in new[] { deployedBefore, deployed, unreferenced })
            foreach (var path in new[] { top, dependency })
            {
                File.SetLastWriteTimeUtc(cache.NarInfoFile(path), old);
                File.SetLastWriteTimeUtc(cache.NarFile(path), old);
            }
        foreach (var (closure, machine) in new[] { (deployedBefore.Top, "gc-1"), (deployed.Top, "gc-2") })
        {
            var document = ControlPlaneDocuments.Deployment([(machine, ControlPlaneDocuments.Machine(NobodyAddress, 22), closure)]);
            var posted = await cache.Server.PostAsync("/api/v1/deployments", cache.Tokens["ci"], document);
            Assert.True(posted.Status == HttpStatusCode.Created, posted.ToString());
        }
        var kept = new[] { deployed.Top, deployed.Dependency, recent.Top, recent.Dependency };
        var removed = new[] { deployedBefore.Top, deployedBefore.Dependency, unreferenced.Top, unreferenced.Dependency };
        var nars = removed.ToDictionary(path => path, cache.NarFile);

        Assert.Equal(HttpStatusCode.Forbidden, (await cache.Server.PostAsync("/api/v1/cache/gc", cache.Tokens["ci"])).Status);
        var collected = await cache.Server.PostAsync("/api/v1/cache/gc", cache.Tokens["admin"]);

        Assert.True(collected.Status == HttpStatusCode.OK, collected.ToString());
        Assert.Equal(4, collected.Json["removedNarInfos"]!.GetValue<int>());
        Assert.Equal(4, collected.Json["removedNars"]!.GetValue<int>());
        foreach (var path in kept)
            Assert.True(File.Exists(cache.NarFile(path)), $"{path} was collected");
        foreach (var path in removed)
        {
            Assert.False(File.Exists(cache.NarInfoFile(path)), $"{path}'s narinfo was kept");
            Assert.False(File.Exists(nars[path]), $"{path}'s NAR was kept");
        }
        var substituted = await cache.SubstituteAsync(deployed.Top, "read", Path.Combine(cache.Folder, "after-gc"), cache.PublicKey);
        Assert.True(substituted.ExitCode == 0, substituted.StandardError);
    }

    [Fact]
    public async Task Garbage_collection_runs_on_the_configured_schedule()
    {
        // Every 1.8 s, keeping nothing older than an hour and no deployment's closure.
        await using var cache = await ControlPlaneCacheServer.StartAsync("cp-cache-gc-schedule",
            new JsonObject { ["keepDeployments"] = 0, ["keepHours"] = 1, ["collectEveryHours"] = 0.0005 });
        var (stale, _) = await ControlPlaneCacheServer.BuildClosureAsync("cp-gc-stale");
        Assert.Equal(0, (await cache.PushAsync(stale, "ci")).ExitCode);
        var narInfo = cache.NarInfoFile(stale);
        var nar = cache.NarFile(stale);
        File.SetLastWriteTimeUtc(narInfo, DateTime.UtcNow - TimeSpan.FromHours(2));
        File.SetLastWriteTimeUtc(nar, DateTime.UtcNow - TimeSpan.FromHours(2));

        await Deploy.TestHosts.WaitUntilAsync(() => Task.FromResult(!File.Exists(narInfo) && !File.Exists(nar)), TimeSpan.FromSeconds(60), "the scheduled collection to remove the stale path");

        Assert.Contains("Cache collected", cache.Server.Output);
    }

    private static string ForgedNarHash(string narInfo) => string.Join('\n', narInfo.Split('\n').Select(line =>
        line.StartsWith("NarHash: sha256:", StringComparison.Ordinal) ? "NarHash: sha256:" + new string(line["NarHash: sha256:".Length..].Reverse().ToArray()) : line));

    private static HttpRequestMessage Request(HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("nixdeploy:" + token)));
        return request;
    }

    /// <summary>A request as nix sends it: the token as the HTTP Basic password.</summary>
    private static async Task<ApiAnswer> SendAsync(ControlPlaneCacheServer cache, HttpMethod method, string path, string? token, byte[]? body = null)
    {
        using var request = Request(method, path, token);
        if (body is not null)
            request.Content = new ByteArrayContent(body);
        using var response = await cache.Server.Http.SendAsync(request);
        return new ApiAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers, response.Content.Headers.ContentType?.MediaType);
    }
}
