using System.Text.RegularExpressions;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;

namespace NixDeploy.Server.Cache;

/// <summary>
/// The only names the cache stores: <c>HASH.narinfo</c> (a store path's hash part) and <c>nar/FILEHASH.nar[.EXT]</c>, both
/// in Nix's base-32 alphabet. Anything else (a traversal, a listing, a log) never reaches the file system.
/// </summary>
public static partial class CacheFileNames
{
    public const string NarFolder = "nar";

    public static bool IsNarInfo(string name) => NarInfoName().IsMatch(name);

    public static bool IsNar(string name) => NarName().IsMatch(name);

    /// <summary>The hash part of a store path (<c>/nix/store/HASH-name</c>), or null when it is not one.</summary>
    public static string? HashPartOf(string storePath) => StorePathPattern().Match(storePath) is { Success: true } match ? match.Groups["hash"].Value : null;

    public static string NarInfoOf(string hashPart) => hashPart + ".narinfo";

    public static NixDeployException Invalid(string name) => new(ErrorCodes.CacheFileNameInvalid,
        $"The cache stores only HASH.narinfo and nar/FILEHASH.nar[.xz|.bz2|.zst|.br|.gz] (Nix's base-32 hashes), not {Identifiers.Show(name)}: upload with 'nix copy --to'.");

    [GeneratedRegex("^[0-9a-df-np-sv-z]{32}\\.narinfo$")]
    private static partial Regex NarInfoName();

    [GeneratedRegex("^[0-9a-df-np-sv-z]{52}\\.nar(\\.(xz|bz2|zst|br|gz))?$")]
    private static partial Regex NarName();

    [GeneratedRegex("^/nix/store/(?<hash>[0-9a-df-np-sv-z]{32})-[A-Za-z0-9+\\-._?=]+$")]
    private static partial Regex StorePathPattern();
}
