using System.Text;
using System.Text.Json.Nodes;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Cache;

public sealed class CacheHosts() : TestHosts(first: 220, count: 8);

/// <summary>Caches and test hosts: an SSH cache, and deploys whose hosts substitute their closures from an HTTP cache.</summary>
public sealed class CacheHostTests(CacheHosts hosts) : IClassFixture<CacheHosts>
{
    [Fact]
    public async Task An_ssh_cache_gets_the_closure_signed_and_a_second_push_uploads_nothing()
    {
        var server = hosts.Lease(1)[0];
        var keys = TestRunDirectory.CreateFolder("ssh-cache-keys");
        var (secretKey, publicKey) = await CacheProjects.KeyAsync(keys);
        var url = $"ssh://root@{server}";
        var ssh = new Dictionary<string, string?> { ["NIX_SSHOPTS"] = $"-F {Path.Combine(hosts.Directory, "ssh_config")}" };
        using var project = await CacheProjects.CreateAsync("sshcache", p => p.Cache("builder", ("Url", url), ("SecretKeyFile", secretKey)));

        var first = await CacheProjects.Push(project).WithEnvironment("NIX_SSHOPTS", ssh["NIX_SSHOPTS"]).BuildAsync();

        first.AssertSucceeded();
        var closure = CacheProjects.Closure(project);
        var paths = await CacheNix.PathInfoAsync(url, closure, ssh);
        Assert.Equal((paths.Count, 0), CacheProjects.Counts(first, "builder"));
        Assert.All(paths, path => Assert.Contains(path!["signatures"]!.AsArray(), s => s!.GetValue<string>().StartsWith("test-cache-1:")));
        Assert.True(await hosts.InStoreAsync(server, closure));

        File.Delete(project.PathOf("obj/nixdeploy/push.stamp"));
        var second = await CacheProjects.Push(project).WithEnvironment("NIX_SSHOPTS", ssh["NIX_SSHOPTS"]).BuildAsync();
        second.AssertSucceeded();
        Assert.Equal((0, paths.Count), CacheProjects.Counts(second, "builder"));
        TestRunDirectory.Remove(keys);
    }

    [Fact]
    public async Task Deploy_pushes_to_the_http_cache_and_fresh_hosts_substitute_their_closures_from_it()
    {
        var addresses = hosts.Lease(2);
        await using var http = await HttpCache.StartAsync("deploy-cache");
        var keys = TestRunDirectory.CreateFolder("deploy-cache-keys");
        var (secretKey, _) = await CacheProjects.KeyAsync(keys);
        using var project = await DeployProject("viacache", addresses, p => p.Cache("shared", ("Url", http.Url), ("SecretKeyFile", secretKey), ("UseForDeploy", "true")));

        var result = await Deploy(project).BuildAsync();

        result.AssertSucceeded();
        Assert.True(result.TargetRan("_NixDeployPushCache"));
        var manifest = Spine.Manifests.Read(project);
        foreach (var (machine, address) in new[] { ("web-1", addresses[0]), ("web-2", addresses[1]) })
        {
            var closure = manifest["closures"]![machine]!.GetValue<string>();
            Assert.Equal(closure, await hosts.LiveSystemAsync(address));
            Assert.Contains($"ssh root@{address}:{TestHosts.Port} nix copy --from {http.Url} {closure}", result.DetailedLog);
        }
        // The hosts fetched NARs from the cache, and the deployer sent them none.
        Assert.Contains($"\"GET {new Uri(http.Url).AbsolutePath}/nar/", File.ReadAllText(Path.Combine(http.Folder, "access.log")));
        Assert.DoesNotContain(" copy --to ssh://", result.DetailedLog);
        TestRunDirectory.Remove(keys);
    }

    [Fact]
    public async Task A_host_refuses_paths_signed_by_another_key_than_the_one_deployment_json_trusts()
    {
        var address = hosts.Lease(1)[0];
        await using var http = await HttpCache.StartAsync("wrongkey-cache");
        var keys = TestRunDirectory.CreateFolder("wrongkey-keys");
        var (secretKey, _) = await CacheProjects.KeyAsync(keys);
        var (_, otherPublicKey) = await CacheNix.GenerateKeyAsync(keys, "someone-else-1");
        using var project = await DeployProject("wrongkey", [address], p => p
            .Cache("shared", ("Url", http.Url), ("SecretKeyFile", secretKey), ("PublicKey", otherPublicKey), ("UseForDeploy", "true")));

        var result = await Deploy(project).BuildAsync();

        AssertRefused(result, "web-1");
        Assert.Contains("lacks a valid signature", result.Errors.Single().Message);
        Assert.Equal("", await hosts.LiveSystemAsync(address));
        TestRunDirectory.Remove(keys);
    }

    [Fact]
    public async Task A_host_refuses_a_tampered_nar_even_when_its_narinfo_signature_is_valid()
    {
        await using var setup = await CacheDeployAsync("tamper");
        var (address, http, project) = (setup.Address, setup.Http, setup.Project);
        (await Push(project).BuildAsync()).AssertSucceeded();
        var closure = CacheProjects.Closure(project);
        await TamperAsync(http, closure);

        var result = await Deploy(project).BuildAsync();

        AssertRefused(result, "web-1");
        // Nix's whole reason, with both hashes, not only its first line.
        Assert.Matches($@"hash mismatch importing path '{closure}'; specified: sha256:[0-9a-z]{{52}} got: sha256:[0-9a-z]{{52}}\. Nothing was activated", result.Errors.Single().Message);
        Assert.Equal("", await hosts.LiveSystemAsync(address));
        // Nix may leave the unpacked files behind, but never registers them as a valid path.
        Assert.Equal("", await hosts.RunAsync(address, $"if nix-store --check-validity '{closure}' 2>/dev/null; then echo valid; fi"));
    }

    [Fact]
    public async Task A_nar_replaced_by_garbage_is_refused_and_no_other_cache_is_tried()
    {
        var address = hosts.Lease(1)[0];
        await using var garbage = await HttpCache.StartAsync("garbage-cache");
        await using var next = await HttpCache.StartAsync("garbage-next-cache");
        var keys = TestRunDirectory.CreateFolder("garbage-keys");
        var (secretKey, _) = await CacheProjects.KeyAsync(keys);
        // Deploy caches are tried in name order: a-garbage first.
        using var project = await DeployProject("garbagenar", [address], p => p
            .Cache("a-garbage", ("Url", garbage.Url), ("SecretKeyFile", secretKey), ("UseForDeploy", "true"))
            .Cache("b-next", ("Url", next.Url), ("SecretKeyFile", secretKey), ("UseForDeploy", "true")));
        (await Push(project).BuildAsync()).AssertSucceeded();
        var closure = CacheProjects.Closure(project);
        var narinfo = File.ReadAllLines(Path.Combine(garbage.Root, Path.GetFileName(closure)[..32] + ".narinfo"));
        var bytes = new byte[4096];
        new Random(4011).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(garbage.Root, narinfo.Single(line => line.StartsWith("URL: "))["URL: ".Length..]), bytes);
        var nextLog = Path.Combine(next.Folder, "access.log");
        var nextRequests = File.ReadAllLines(nextLog).Length;

        var result = await Deploy(project).WithProperty("NixDeployPushBeforeDeploy", "false").BuildAsync();

        AssertRefused(result, "web-1");
        Assert.Contains("input compression not recognized", result.Errors.Single().Message);
        Assert.Equal(nextRequests, File.ReadAllLines(nextLog).Length);
        Assert.Equal("", await hosts.LiveSystemAsync(address));
        TestRunDirectory.Remove(keys);
    }

    [Fact]
    public async Task A_host_with_a_signing_key_of_its_own_does_not_trust_cache_paths_signed_with_it()
    {
        await using var setup = await CacheDeployAsync("hostkey");
        var (address, http, project) = (setup.Address, setup.Http, setup.Project);
        // The host's /etc/nix/nix.conf names a signing key of the host's own (as a builder's does).
        var etcNix = Path.Combine(hosts.HostDirectory(address), "etc-nix");
        var (hostKey, _) = await CacheNix.GenerateKeyAsync(etcNix, "host-1");
        File.AppendAllText(Path.Combine(etcNix, "nix.conf"), "secret-key-files = /etc/nix/host-1.secret\n");
        (await Push(project).BuildAsync()).AssertSucceeded();
        var closure = CacheProjects.Closure(project);
        // Whoever holds the host's key re-signs the cache's narinfos with it instead of the cache's key.
        foreach (var narinfo in Directory.GetFiles(http.Root, "*.narinfo"))
            File.WriteAllLines(narinfo, File.ReadAllLines(narinfo).Where(line => !line.StartsWith("Sig:")));
        await CacheNix.NixAsync(null, "store", "sign", "--store", "file://" + http.Root, "--key-file", hostKey, "--recursive", closure);
        Assert.False(await CacheNix.SignedByAsync("file://" + http.Root, closure, setup.PublicKey));

        var result = await Deploy(project).WithProperty("NixDeployPushBeforeDeploy", "false").BuildAsync();

        AssertRefused(result, "web-1");
        Assert.Contains("lacks a valid signature", result.Errors.Single().Message);
        Assert.Equal("", await hosts.LiveSystemAsync(address));
        Assert.Equal("", await hosts.RunAsync(address, $"if nix-store --check-validity '{closure}' 2>/dev/null; then echo valid; fi"));
    }

    [Fact]
    public async Task A_dry_run_deploy_uploads_nothing_changes_no_host_and_keeps_the_deploy_report()
    {
        await using var setup = await CacheDeployAsync("dryrun");
        var (address, http, project) = (setup.Address, setup.Http, setup.Project);
        var report = project.PathOf("bin/nixdeploy/deploy-report.json");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        const string lastDeploy = "{ \"the\": \"last real deploy's report\" }\n";
        File.WriteAllText(report, lastDeploy);

        var result = await Deploy(project).WithProperty("NixDeployDryRun", "true").BuildAsync();

        result.AssertSucceeded();
        var closure = CacheProjects.Closure(project);
        var paths = await CacheNix.PathInfoAsync("local", closure);
        Assert.StartsWith($"would upload {paths.Count} path(s), ", CacheLine(result, http));
        Assert.All(paths, path => Assert.Contains($"would upload {path!["path"]!.GetValue<string>()} (", result.StandardOutput));
        Assert.Empty(Directory.GetFiles(http.Root, "*.narinfo"));
        Assert.DoesNotContain("\"PUT ", File.ReadAllText(Path.Combine(http.Folder, "access.log")));
        Assert.False(File.Exists(project.PathOf("obj/nixdeploy/push.stamp")));
        Assert.Equal(lastDeploy, File.ReadAllText(report));
        var plan = JsonNode.Parse(File.ReadAllText(project.PathOf("bin/nixdeploy/deploy-dry-run.json")))!;
        Assert.True(plan["dryRun"]!.GetValue<bool>());
        Assert.Equal("would-change", plan["machines"]!["web-1"]!["status"]!.GetValue<string>());
        Assert.Equal("", await hosts.LiveSystemAsync(address));
        Assert.False(await hosts.InStoreAsync(address, closure), "the dry run copied the closure to the host");

        // Once pushed, a dry run asks the cache itself what it lacks: nothing, and it still uploads nothing.
        (await Push(project).BuildAsync()).AssertSucceeded();
        File.Delete(project.PathOf("obj/nixdeploy/push.stamp"));
        var accessLog = Path.Combine(http.Folder, "access.log");
        var puts = File.ReadLines(accessLog).Count(line => line.Contains("\"PUT ", StringComparison.Ordinal));

        var again = await Deploy(project).WithProperty("NixDeployDryRun", "true").BuildAsync();

        again.AssertSucceeded();
        Assert.StartsWith($"would upload 0 path(s), 0 B (NAR); {paths.Count} already present", CacheLine(again, http));
        Assert.Contains($" path-info --json --option download-attempts 1 --option narinfo-cache-negative-ttl 0 --option narinfo-cache-positive-ttl 0 --store {http.Url} ", again.DetailedLog);
        Assert.Equal(puts, File.ReadLines(accessLog).Count(line => line.Contains("\"PUT ", StringComparison.Ordinal)));
        Assert.Equal(lastDeploy, File.ReadAllText(report));

        // A cache whose narinfos were deleted lacks every path again, although this machine's Nix remembers uploading them.
        foreach (var narinfo in Directory.GetFiles(http.Root, "*.narinfo"))
            File.Delete(narinfo);
        var wiped = await Deploy(project).WithProperty("NixDeployDryRun", "true").BuildAsync();

        wiped.AssertSucceeded();
        Assert.StartsWith($"would upload {paths.Count} path(s), ", CacheLine(wiped, http));
    }

    /// <summary>What the dry run said of the cache, whole, so that a failed assertion shows it.</summary>
    private static string CacheLine(BuildResult result, HttpCache http)
    {
        var prefix = $"cache 'shared' ({http.Url}): ";
        var line = result.StandardOutput.Split('\n').FirstOrDefault(line => line.Contains(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"the output says nothing of {prefix}\n{result.StandardOutput}");
        return line[(line.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length)..];
    }

    private static void AssertRefused(BuildResult result, string machine)
    {
        result.AssertFailed();
        result.AssertNoStackTrace();
        var error = Assert.Single(result.Errors);
        Assert.Equal("ND4008", error.Code);
        Assert.StartsWith($"{machine} (failed)", error.Message);
        Assert.Contains("Nothing was activated", error.Message);
    }

    // The attack a signature does not cover by itself: the narinfo (signed: path, NAR hash, size, references) is
    // kept, but points at a different NAR. Only checking the NAR against the signed hash catches it.
    private static async Task TamperAsync(HttpCache http, string closure)
    {
        var hash = Path.GetFileName(closure)[..32];
        var narinfoPath = Path.Combine(http.Root, hash + ".narinfo");
        var nar = await CacheNix.DumpPathAsync(closure);
        var text = Encoding.Latin1.GetString(nar);
        var at = text.IndexOf("/bin/sh", StringComparison.Ordinal);
        Assert.True(at > 0, "the toplevel's NAR has no /bin/sh to change");
        nar[at + 5] = (byte)'z';
        await File.WriteAllBytesAsync(Path.Combine(http.Root, "nar", "tampered.nar"), nar);
        var lines = File.ReadAllLines(narinfoPath)
            .Where(line => !line.StartsWith("FileHash:") && !line.StartsWith("FileSize:"))
            .Select(line => line.StartsWith("URL:") ? "URL: nar/tampered.nar" : line.StartsWith("Compression:") ? "Compression: none" : line);
        File.WriteAllLines(narinfoPath, lines);
    }

    /// <summary>A leased host, a fresh HTTP cache, and a project whose cache 'shared' is signed with a fresh key and used for deploys.</summary>
    private async Task<CacheDeploy> CacheDeployAsync(string name)
    {
        var address = hosts.Lease(1)[0];
        var http = await HttpCache.StartAsync(name + "-cache");
        var keys = TestRunDirectory.CreateFolder(name + "-keys");
        var (secretKey, publicKey) = await CacheProjects.KeyAsync(keys);
        var project = await DeployProject(name, [address], p => p
            .Cache("shared", ("Url", http.Url), ("SecretKeyFile", secretKey), ("UseForDeploy", "true")));
        return new CacheDeploy(address, http, keys, publicKey, project);
    }

    private sealed record CacheDeploy(string Address, HttpCache Http, string Keys, string PublicKey, TestProject Project) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Project.Dispose();
            await Http.DisposeAsync();
            TestRunDirectory.Remove(Keys);
        }
    }

    private Task<TestProject> DeployProject(string name, IReadOnlyList<string> addresses, Action<ProjectXmlBuilder> caches)
    {
        var fleet = new TestFleet();
        for (var i = 0; i < addresses.Count; i++)
            fleet.Machine(DeployFleet.Machine($"web-{i + 1}", addresses[i]));
        return fleet.Project(name, p =>
        {
            p.Property("NixDeploySshIdentityFile", hosts.IdentityFile)
                .Property("NixDeploySshKnownHostsFile", hosts.KnownHostsFile)
                .Property("NixDeployConfirmTimeout", "3")
                .Property("NixDeployActivationTimeout", "3");
            caches(p);
        }).CreateAsync();
    }

    private static DotnetBuild Deploy(TestProject project) =>
        project.Dotnet().WithTargets("Deploy").WithEnvironment(NixEnvironment.Variables).WithTimeout(TimeSpan.FromMinutes(3));

    private static DotnetBuild Push(TestProject project) => CacheProjects.Push(project);
}
