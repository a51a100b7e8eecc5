using System.Text.Json;
using System.Text.RegularExpressions;

namespace NixDeploy.Blueprint;

/// <summary>
/// Where each value of an attribute-set blueprint is defined, as Nix's <c>builtins.unsafeGetAttrPos</c> reports it,
/// so an error points at the line to fix. Nix evaluates a local flake from its copy in the store: positions in that
/// copy are mapped back to the same file in the flake's folder.
/// </summary>
public sealed partial class BlueprintPositions
{
    /// <summary>The apply function that returns a blueprint with its positions, in the same <c>nix eval</c> call.</summary>
    public const string ApplyExpression =
        "bp: let "
        + "at = set: name: let p = builtins.unsafeGetAttrPos name set; in if p == null then null else { inherit (p) file line column; }; "
        + "tree = set: builtins.mapAttrs (name: value: { at = at set name; sub = if builtins.isAttrs value then tree value else null; }) set; "
        + "in { value = bp; positions = if builtins.isAttrs bp then tree bp else null; }";

    private static readonly BlueprintPositions None = new(default, null);

    private readonly JsonElement _tree;
    private readonly string? _flakeDirectory;

    private BlueprintPositions(JsonElement tree, string? flakeDirectory)
    {
        _tree = tree;
        _flakeDirectory = flakeDirectory;
    }

    /// <summary>The positions the apply function returned (null for a JSON-string blueprint: it has none).</summary>
    public static BlueprintPositions From(JsonElement positions, string? flakeDirectory) =>
        positions.ValueKind == JsonValueKind.Object ? new BlueprintPositions(positions, flakeDirectory) : None;

    public static BlueprintPositions Unknown => None;

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
            if (node.TryGetProperty("at", out var at) && at.ValueKind == JsonValueKind.Object)
                found = (Local(at.GetProperty("file").GetString()!), at.GetProperty("line").GetInt32(), at.GetProperty("column").GetInt32());
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
