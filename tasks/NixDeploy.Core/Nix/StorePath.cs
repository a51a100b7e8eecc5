using System.Text.RegularExpressions;
using NixDeploy.Diagnostics;

namespace NixDeploy.Nix;

/// <summary>A validated <c>/nix/store/&lt;32 base-32 chars&gt;-&lt;name&gt;</c> path.</summary>
public static partial class StorePath
{
    // Nix's base-32 alphabet omits e, o, u and t.
    [GeneratedRegex(@"\A/nix/store/[0-9abcdfghijklmnpqrsvwxyz]{32}-[A-Za-z0-9+\-._?=]+\z")]
    private static partial Regex Pattern();

    public static bool IsValid(string path) => Pattern().IsMatch(path);

    /// <summary>What follows the hash: <c>etc</c> of <c>/nix/store/&lt;hash&gt;-etc</c>.</summary>
    public static string Name(string path) => Path.GetFileName(path)[33..];

    public static string Require(string path, string what, string? file = null) =>
        IsValid(path)
            ? path
            : throw new NixDeployException(ErrorCodes.InvalidStorePath, $"{what} '{path}' is not a Nix store path (/nix/store/<hash>-<name>).", file);
}
