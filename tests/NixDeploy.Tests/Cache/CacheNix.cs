using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Cache;

/// <summary>Real Nix, for what tests check a cache with: signing keys, reading a cache back, verifying signatures.</summary>
public static class CacheNix
{
    /// <summary>A fresh secret key file in <paramref name="folder"/> and its public key, both made by nix.</summary>
    public static async Task<(string SecretKeyFile, string PublicKey)> GenerateKeyAsync(string folder, string name)
    {
        var secret = Path.Combine(folder, name + ".secret");
        File.WriteAllText(secret, await NixAsync(null, "key", "generate-secret", "--key-name", name));
        return (secret, (await NixAsync(File.ReadAllText(secret), "key", "convert-secret-to-public")).Trim());
    }

    /// <summary><c>nix path-info --store URL -r --json PATH</c>: the closure as the cache has it, signatures included.</summary>
    public static async Task<JsonArray> PathInfoAsync(string storeUrl, string path, IReadOnlyDictionary<string, string?>? environment = null) =>
        JsonNode.Parse(await NixAsync(null, environment, "path-info", "--store", storeUrl, "--recursive", "--json", path))!.AsArray();

    /// <summary>Whether <c>nix store verify</c> finds every path of the closure in the cache signed by <paramref name="publicKey"/>.</summary>
    public static async Task<bool> SignedByAsync(string storeUrl, string path, string publicKey)
    {
        var result = await Command(null, null, "store", "verify", "--store", storeUrl, "--recursive", "--trusted-public-keys", publicKey, path).ExecuteBufferedAsync();
        return result.ExitCode == 0;
    }

    /// <summary>The NAR of a local store path, as bytes (<c>nix store dump-path</c>).</summary>
    public static async Task<byte[]> DumpPathAsync(string path)
    {
        using var nar = new MemoryStream();
        var result = await Command(null, null, "store", "dump-path", path).WithStandardOutputPipe(PipeTarget.ToStream(nar)).ExecuteAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"nix store dump-path {path} exited {result.ExitCode}");
        return nar.ToArray();
    }

    public static Task<string> NixAsync(string? input, params string[] arguments) => NixAsync(input, null, arguments);

    /// <summary>Runs nix to its end, for a test that asserts its exit code and message.</summary>
    public static Task<BufferedCommandResult> RunAsync(params string[] arguments) => Command(null, null, arguments).ExecuteBufferedAsync();

    private static async Task<string> NixAsync(string? input, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var result = await Command(input, environment, arguments).ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"nix {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput;
    }

    private static Command Command(string? input, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var variables = NixEnvironment.Variables.ToDictionary(pair => pair.Key, pair => (string?)pair.Value);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            variables[name] = value;
        var command = Cli.Wrap("nix").WithArguments(arguments).WithEnvironmentVariables(variables).WithValidation(CommandResultValidation.None);
        return input is null ? command : command.WithStandardInputPipe(PipeSource.FromString(input));
    }
}
