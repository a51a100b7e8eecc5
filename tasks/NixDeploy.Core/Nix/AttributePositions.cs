using System.Text.Json;
using System.Text.RegularExpressions;

namespace NixDeploy.Nix;

/// <summary>
/// Where each value of an evaluated attribute set (a blueprint, the artifacts output) is defined, as Nix's
/// <c>builtins.unsafeGetAttrPos</c> reports it, so an error points at the line to fix. Nix evaluates a local flake
/// from its copy in the store: positions in that copy are mapped back to the same file in the flake's folder.
/// </summary>
public sealed partial class AttributePositions
{
    private static readonly AttributePositions None = new(default, null);

    private readonly JsonElement _tree;
    private readonly string? _flakeDirectory;

    private AttributePositions(JsonElement tree, string? flakeDirectory)
    {
        _tree = tree;
        _flakeDirectory = flakeDirectory;
    }

    /// <summary>
    /// An apply function for the same <c>nix eval</c> call that returns <c>{ value; positions; }</c>: the value as
    /// <paramref name="transform"/> (a Nix function, or null) makes it, and the positions of the value as the flake has it.
    /// </summary>
    public static string Apply(string? transform) =>
        "v: let "
        + "at = set: name: let p = builtins.unsafeGetAttrPos name set; in if p == null then null else { inherit (p) file line column; }; "
        // Not into a derivation: its out refers back to itself.
        + "plain = value: builtins.isAttrs value && (value.type or null) != \"derivation\"; "
        + "tree = set: builtins.mapAttrs (name: value: { at = at set name; sub = if plain value then tree value else null; }) set; "
        + $"in {{ value = {(transform is null ? "v" : $"({transform}) v")}; positions = if builtins.isAttrs v then tree v else null; }}";

    /// <summary>The positions the apply function returned (null for a JSON string, which has none).</summary>
    public static AttributePositions From(JsonElement positions, string? flakeDirectory) =>
        positions.ValueKind == JsonValueKind.Object ? new AttributePositions(positions, flakeDirectory) : None;

    public static AttributePositions Unknown => None;

    /// <summary>
    /// Where the value at <paramref name="path"/> (<c>web-1.deployment.healthChecks[0].url</c>) is defined, or, when
    /// Nix does not know (a missing field, a list item), where the closest enclosing attribute is.
    /// </summary>
    public (string File, int Line, int Column)? Locate(string path)
    {
        if (_tree.ValueKind != JsonValueKind.Object)
            return null;
        (string, int, int)? found = null;
        var level = _tree;
        foreach (var segment in Segments(path))
        {
            if (level.ValueKind != JsonValueKind.Object || !level.TryGetProperty(segment, out var node))
                break;
            // Values an apply function made have no file of their own ("«string»"): the enclosing one's is the place.
            if (node.TryGetProperty("at", out var at) && at.ValueKind == JsonValueKind.Object && at.GetProperty("file").GetString() is ['/', ..] file)
                found = (Local(file), at.GetProperty("line").GetInt32(), at.GetProperty("column").GetInt32());
            if (!node.TryGetProperty("sub", out level))
                break;
        }
        return found;
    }

    // "web-1.deployment.healthChecks[0].url": list indexes have no position of their own.
    private static IEnumerable<string> Segments(string path) =>
        path.Split('.').Select(segment => segment.IndexOf('[') is var bracket and >= 0 ? segment[..bracket] : segment);

    private string Local(string file)
    {
        if (_flakeDirectory is null || StoreCopy().Match(file) is not { Success: true } copy)
            return file;
        var local = Path.Combine(CopiedRoot(_flakeDirectory), copy.Groups["relative"].Value);
        return File.Exists(local) ? local : file;
    }

    // Nix copies a flake inside a git repository as the whole repository (its tracked files), else the flake's folder.
    private static string CopiedRoot(string flakeDirectory)
    {
        for (var directory = new DirectoryInfo(flakeDirectory); directory is not null; directory = directory.Parent)
        {
            if (Path.Exists(Path.Combine(directory.FullName, ".git")))
                return directory.FullName;
        }
        return flakeDirectory;
    }

    [GeneratedRegex(@"\A/nix/store/[0-9a-z]{32}-[^/]+/(?<relative>.+)\z")]
    private static partial Regex StoreCopy();
}
