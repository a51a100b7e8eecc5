using NixDeploy.Cache;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Cache;

/// <summary>The cache core's pure parts: keys, definitions, failure classification, Nix's JSON log, the hook's config.</summary>
public sealed class CacheCoreTests
{
    [Fact]
    public async Task The_public_key_read_from_a_secret_key_file_is_the_one_nix_derives()
    {
        var folder = TestRunDirectory.CreateFolder("core-keys");
        var (secretKey, publicKey) = await CacheNix.GenerateKeyAsync(folder, "core-1");

        Assert.Equal(publicKey, CacheSigningKey.PublicKeyOf(secretKey, "c", null));
        Assert.True(CacheSigningKey.IsPublicKey(publicKey));
        File.WriteAllText(secretKey, publicKey);
        var e = Assert.Throws<NixDeployException>(() => CacheSigningKey.PublicKeyOf(secretKey, "c", "p.nixdeploy"));
        Assert.Equal(ErrorCodes.CacheSecretKeyInvalid, e.Code);
        Assert.Contains("may be a public key", e.Message);
        Assert.DoesNotContain(publicKey.Split(':')[1], e.Message);
        TestRunDirectory.Remove(folder);
    }

    [Theory]
    [InlineData("file:///var/cache/nix", CacheKind.File)]
    [InlineData("https://cache.example.org/main", CacheKind.Http)]
    [InlineData("s3://bucket?region=eu-west-1", CacheKind.S3)]
    [InlineData("ssh://nix-ssh@builder", CacheKind.Ssh)]
    [InlineData("ssh-ng://builder", CacheKind.Ssh)]
    [InlineData("attic:prod:fleet", CacheKind.Attic)]
    public void Each_supported_url_gives_its_kind(string url, CacheKind kind) =>
        Assert.Equal(kind, Parse(("Url", url)).Kind);

    [Theory]
    [InlineData("ND4001", "password in its URL", "Url=https://u:p@cache")]
    [InlineData("ND4001", "SecretKeyFile metadata", "Url=file:///c?secret-key=/k")]
    [InlineData("ND4001", "three slashes", "Url=file://c")]
    [InlineData("ND4001", "Attic signs on the server", "Url=attic:s:c", "SecretKeyFile=/k")]
    [InlineData("ND4001", "only http(s) caches", "Url=file:///c", "NetrcFile=/n")]
    [InlineData("ND4001", "NAME of an environment variable", "Url=attic:s:c", "TokenEnvironmentVariable=eyJhbGciOi.secret", "AtticEndpoint=https://a/")]
    [InlineData("ND4001", "must be true or false", "Url=file:///c", "Required=yes")]
    [InlineData("ND4007", "no key to trust", "Url=file:///c", "UseForDeploy=true")]
    public void Bad_metadata_is_refused_with_a_code_saying_what_to_fix(string code, string message, params string[] metadata)
    {
        var e = Assert.Throws<NixDeployException>(() => Parse(metadata.Select(pair => (pair.Split('=', 2)[0], pair.Split('=', 2)[1])).ToArray()));
        Assert.Equal(code, e.Code);
        Assert.Equal("p.nixdeploy", e.Diagnostics[0].File);
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain("eyJhbGciOi.secret", e.Message);
    }

    [Fact]
    public void A_binary_cache_url_gains_the_key_file_and_an_ssh_one_does_not()
    {
        Assert.Equal("file:///c?secret-key=/k", CacheStoreUrl.ForWriting(Parse(("Url", "file:///c"), ("SecretKeyFile", "/k"))));
        Assert.Equal("s3://b?region=x&secret-key=/k", CacheStoreUrl.ForWriting(Parse(("Url", "s3://b?region=x"), ("SecretKeyFile", "/k"))));
        Assert.Equal("ssh://builder", CacheStoreUrl.ForWriting(Parse(("Url", "ssh://builder"), ("SecretKeyFile", "/k"))));
    }

    [Theory]
    [InlineData("error: unable to download 'http://c/nix-cache-info': Couldn't connect to server (7)", true)]
    [InlineData("error: unable to download 'http://c/x.narinfo': HTTP error 503 ('Service Unavailable')", true)]
    [InlineData("ssh: connect to host 127.0.0.9 port 22: Connection refused", true)]
    [InlineData("error: unable to upload 'http://c/nar/x': HTTP error 403 ('Forbidden')", false)]
    [InlineData("error: path '/nix/store/x' is not valid", false)]
    public void Unreachable_caches_and_5xx_are_transient_refusals_are_not(string message, bool transient) =>
        Assert.Equal(transient, TransientFailure.IsTransient(message));

    [Fact]
    public void Nix_json_log_yields_the_copied_paths_once_each_and_the_messages_without_colours()
    {
        const string stderr = """
            @nix {"action":"start","id":1,"level":3,"text":"copying 2 paths","type":103}
            @nix {"action":"start","fields":["/nix/store/a","local","file:///c"],"id":2,"level":3,"text":"","type":100}
            @nix {"action":"start","fields":["/nix/store/a","local","file:///c"],"id":3,"level":3,"text":"","type":100}
            @nix {"action":"start","fields":["/nix/store/b","file:///c"],"id":4,"level":4,"text":"querying","type":109}
            @nix {"action":"msg","level":0,"msg":"\u001b[31;1merror:\u001b[0m unable to download 'http://c/x': HTTP error 503\n\n       response body:\n\n       <html>"}
            """;

        var log = NixActivityLog.Parse(stderr);

        Assert.Equal(["/nix/store/a"], log.CopiedPaths);
        Assert.Equal("unable to download 'http://c/x': HTTP error 503", FailureText.Condense(log.MessageText));
    }

    [Fact]
    public void A_cache_server_is_recognised_by_name_case_and_short_name()
    {
        Assert.Equal("Cache-1", CacheServerHostnames.Match(CacheServerHostnames.Split("atticd; Cache-1"), "cache-1.example.org"));
        Assert.Null(CacheServerHostnames.Match(CacheServerHostnames.Split("atticd,cache-2"), "cache-1"));
        Assert.Equal(TimeSpan.FromMilliseconds(400), new RetryPolicy(3, TimeSpan.FromMilliseconds(100)).DelayBefore(3));
    }

    [Fact]
    public void A_cache_server_name_matches_its_own_short_name_or_fqdn_never_a_machine_of_another_domain()
    {
        Assert.Equal("cache", CacheServerHostnames.Match(["cache"], "cache.prod.example"));
        Assert.Equal("cache.prod.example", CacheServerHostnames.Match(["cache.prod.example"], "CACHE"));
        Assert.Equal("cache.prod.example", CacheServerHostnames.Match(["cache.prod.example"], "cache.Prod.example"));
        Assert.Null(CacheServerHostnames.Match(["cache.prod.example"], "cache.staging.example"));
        Assert.Null(CacheServerHostnames.Match(["cache.prod"], "cache.prod.example"));
    }

    [Fact]
    public void A_nix_error_keeps_its_indented_lines_such_as_both_hashes_of_a_mismatch()
    {
        const string stderr = """
            copying path '/nix/store/aaaa-x' from 'http://c'...
            error: hash mismatch importing path '/nix/store/aaaa-x';
                     specified: sha256:0cann25682fwcyw4y2c3g4q6zwhnbpdb002kyx3lkhmwqsyk0j23
                     got:       sha256:08h4ll3g8xlwm3rvb7f6m3rq4v3dv8zdhxwr2mc300ra95mjsc2x
            """;

        Assert.Equal("hash mismatch importing path '/nix/store/aaaa-x'; specified: sha256:0cann25682fwcyw4y2c3g4q6zwhnbpdb002kyx3lkhmwqsyk0j23 got: sha256:08h4ll3g8xlwm3rvb7f6m3rq4v3dv8zdhxwr2mc300ra95mjsc2x",
            FailureText.Condense(stderr));
    }

    [Fact]
    public void A_netrc_file_gives_the_login_of_its_machine_entry_or_default()
    {
        var folder = TestRunDirectory.CreateFolder("netrc");
        var netrc = Path.Combine(folder, "netrc");
        File.WriteAllText(netrc, "machine other.example login x password y\nmachine cache.example login ci password s3cret\ndefault login anon password none\n");

        Assert.Equal("Basic " + Convert.ToBase64String("ci:s3cret"u8.ToArray()), NetrcCredentials.For(netrc, "CACHE.example")!.ToString());
        Assert.Equal("Basic " + Convert.ToBase64String("anon:none"u8.ToArray()), NetrcCredentials.For(netrc, "elsewhere")!.ToString());
        File.WriteAllText(netrc, "machine other.example login x password y\n");
        Assert.Null(NetrcCredentials.For(netrc, "cache.example"));
        TestRunDirectory.Remove(folder);
    }

    [Fact]
    public void The_hook_config_takes_the_same_cache_fields_as_the_items_and_rejects_junk()
    {
        var folder = TestRunDirectory.CreateFolder("hook-config");
        var file = Path.Combine(folder, "hook.json");
        File.WriteAllText(file, """
            { "caches": [ { "name": "main", "url": "http://127.0.0.1:9", "netrcFile": "/etc/nix/netrc", "required": true } ],
              "serverHostnames": [ "cache" ], "retryCount": 1, "retryDelayMilliseconds": 10 }
            """);
        var config = PostBuildHookConfig.Read(file);
        var cache = Assert.Single(config.Caches);
        Assert.Equal((CacheKind.Http, "/etc/nix/netrc", true), (cache.Kind, cache.NetrcFile, cache.Required));
        Assert.Equal(["cache"], config.ServerHostnames);
        Assert.Equal(new RetryPolicy(1, TimeSpan.FromMilliseconds(10)), config.Retry);
        Assert.Equal(PostBuildHookConfig.DefaultLogFile, config.LogFile);

        File.WriteAllText(file, """{ "caches": { } }""");
        Assert.Equal(ErrorCodes.PostBuildHookConfigInvalid, Assert.Throws<NixDeployException>(() => PostBuildHookConfig.Read(file)).Code);
        TestRunDirectory.Remove(folder);
    }

    private static CacheDefinition Parse(params (string Key, string Value)[] metadata) =>
        CacheDefinitionParser.Parse("c", key => metadata.FirstOrDefault(pair => pair.Key == key).Value, "p.nixdeploy");

    [Fact]
    public void The_push_report_writer_writes_exactly_what_the_report_reader_reads()
    {
        var folder = TestRunDirectory.CreateFolder("push-report");
        var report = new PushReport(PushReport.CurrentSchemaVersion, "run-1", DryRun: true,
        [
            new CachePushReport("local", "file:///tmp/c", CachePushStatus.WouldPush, 2, 1536, 7, null, null, "would upload 2 path(s)",
                [new StorePathInfo("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-a", 512), new StorePathInfo("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-b", 1024)]),
            new CachePushReport("web \"q\"", "http://127.0.0.1:1", CachePushStatus.Failed, 0, 0, 0, "ND4005", "refused: ünïcode\n2nd line", "failed", []),
        ]);
        var written = Path.Combine(folder, "writer.json");
        var serialized = Path.Combine(folder, "serializer.json");

        PushReportWriter.Write(written, report);
        PushReport.Json.Write(serialized, report);

        Assert.Equal(File.ReadAllText(serialized), File.ReadAllText(written));
        var read = PushReport.Json.Read(written);
        Assert.Equal(report with { Caches = [] }, read with { Caches = [] });
        Assert.Equal(report.Caches.Select(c => c with { WouldUpload = [] }), read.Caches.Select(c => c with { WouldUpload = [] }));
        Assert.Equal(report.Caches[0].WouldUpload, read.Caches[0].WouldUpload);
        TestRunDirectory.Remove(folder);
    }
}
