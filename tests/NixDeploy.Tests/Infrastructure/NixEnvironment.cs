namespace NixDeploy.Tests.Infrastructure;

/// <summary>How the tests run nix: as root, single-user, no daemon, no sandbox, no binary cache (there is no internet).</summary>
public static class NixEnvironment
{
    // Same settings as scripts/nix-env.sh. Without "substituters =" every build first retries cache.nixos.org.
    public const string NixConfig =
        "experimental-features = nix-command flakes\nsandbox = false\nsubstituters =\nbuild-users-group =";

    public static IReadOnlyDictionary<string, string> Variables { get; } = new Dictionary<string, string>
    {
        ["NIX_CONFIG"] = NixConfig,
    };

    /// <summary>The path of the nix executable; throws, saying how to install it, when it is not on PATH.</summary>
    public static string RequireNix()
    {
        var searchPath = Environment.GetEnvironmentVariable("PATH") ?? "";
        var nix = searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "nix"))
            .FirstOrDefault(File.Exists);
        return nix ?? throw new InvalidOperationException(
            $"nix is not on PATH ({searchPath}). Install it with `bash scripts/install-prereqs.sh` (Debian's nix-bin), " +
            "or run the suite with `bash scripts/test.sh`, which does.");
    }
}
