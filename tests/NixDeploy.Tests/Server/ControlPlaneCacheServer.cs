using System.Text.Json.Nodes;
using NixDeploy.Tests.Cache;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Server;

/// <summary>
/// A control plane whose binary cache tests fill and read with real nix: tokens of each role, netrc files that give
/// nix those tokens, and CI's signing key (the server never holds one).
/// </summary>
public sealed class ControlPlaneCacheServer(ControlPlaneProcess server, string folder, IReadOnlyDictionary<string, string> tokens, string secretKeyFile, string publicKey)
    : IAsyncDisposable
{
    public ControlPlaneProcess Server { get; } = server;

    public string Folder { get; } = folder;

    public IReadOnlyDictionary<string, string> Tokens { get; } = tokens;

    public string SecretKeyFile { get; } = secretKeyFile;

    public string PublicKey { get; } = publicKey;

    public string Url => Server.Address.ToString().TrimEnd('/') + "/cache";

    /// <summary>The cache's folder in the server's data folder.</summary>
    public string Root => Path.Combine(Server.DataDirectory, "cache");

    /// <summary>A server with a read, a ci and an admin token; <paramref name="cacheConfig"/> is the config file's "cache".</summary>
    public static async Task<ControlPlaneCacheServer> StartAsync(string name, JsonObject? cacheConfig = null)
    {
        NixEnvironment.RequireNix();
        var folder = TestRunDirectory.CreateFolder(name);
        var data = Path.Combine(folder, "data");
        var tokens = new Dictionary<string, string>();
        foreach (var role in new[] { "read", "ci", "admin" })
            tokens[role] = await ControlPlaneProcess.CreateTokenAsync(data, role);
        string? config = null;
        if (cacheConfig is not null)
        {
            config = Path.Combine(folder, "server.json");
            File.WriteAllText(config, new JsonObject { ["cache"] = cacheConfig }.ToJsonString());
        }
        var (secretKey, publicKey) = await CacheNix.GenerateKeyAsync(folder, "ci-key-1");
        return new ControlPlaneCacheServer(await ControlPlaneProcess.StartAsync(data, config), folder, tokens, secretKey, publicKey);
    }

    /// <summary>A netrc file that gives nix the token of <paramref name="role"/> as the password for 127.0.0.1.</summary>
    public string Netrc(string role)
    {
        var file = Path.Combine(Folder, $"netrc-{role}");
        File.WriteAllText(file, $"machine 127.0.0.1 login nixdeploy password {Tokens[role]}\n");
        return file;
    }

    /// <summary><c>nix copy --to</c> the cache, signed with CI's key, with the role's token (none: no netrc).</summary>
    public Task<CliWrap.Buffered.BufferedCommandResult> PushAsync(string path, string? role, string? query = null) =>
        CacheNix.RunAsync([.. NetrcOption(role), "copy", "--to", $"{Url}?secret-key={SecretKeyFile}{query}", path]);

    /// <summary><c>nix copy --from</c> the cache into a fresh store under <paramref name="store"/>, trusting <paramref name="publicKey"/>.</summary>
    public Task<CliWrap.Buffered.BufferedCommandResult> SubstituteAsync(string path, string? role, string store, string publicKey) =>
        CacheNix.RunAsync([.. NetrcOption(role), "--option", "trusted-public-keys", publicKey, "copy", "--from", Url, "--to", store, path]);

    private string[] NetrcOption(string? role) => role is null ? [] : ["--option", "netrc-file", Netrc(role)];

    /// <summary>Builds a two-path closure no other test has: a top path that references a dependency.</summary>
    public static async Task<(string Top, string Dependency)> BuildClosureAsync(string name)
    {
        var marker = Guid.NewGuid().ToString("N");
        var expression = $$"""
            let dependency = derivation { name = "{{name}}-dep"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo {{marker}} > $out" ]; };
            in derivation { name = "{{name}}"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo ${dependency} > $out" ]; }
            """;
        var top = JsonNode.Parse(await CacheNix.NixAsync(null, "build", "--no-link", "--json", "--impure", "--expr", expression))![0]!["outputs"]!["out"]!.GetValue<string>();
        var dependency = File.ReadAllText(top).Trim();
        return (top, dependency);
    }

    /// <summary>The narinfo file of a store path in the cache.</summary>
    public string NarInfoFile(string storePath) => NarInfoFile(Root, storePath);

    /// <summary>The NAR file a stored narinfo points to.</summary>
    public string NarFile(string storePath) => NarFile(Root, storePath);

    /// <summary>The narinfo file of a store path in the cache folder <paramref name="root"/> (a server's data/cache).</summary>
    public static string NarInfoFile(string root, string storePath) => Path.Combine(root, Path.GetFileName(storePath)[..32] + ".narinfo");

    /// <summary>The NAR file a narinfo in the cache folder <paramref name="root"/> points to.</summary>
    public static string NarFile(string root, string storePath) =>
        Path.Combine(root, File.ReadAllLines(NarInfoFile(root, storePath)).Single(line => line.StartsWith("URL: ", StringComparison.Ordinal))["URL: ".Length..]);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        TestRunDirectory.Remove(Folder);
    }
}
