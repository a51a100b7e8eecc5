namespace NixDeploy.Tool.Output;

/// <summary>
/// One line of <c>nix store diff-closures</c> ("NAME: OLD → NEW[, SIZE]") in words: Nix writes ∅ for a package that
/// is not there and ε for one without a version, which read as noise ("hello: ∅ → ε").
/// </summary>
public static class PackageChange
{
    private const string Absent = "∅";
    private const string NoVersion = "ε";

    public static string Describe(string line)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        var arrow = line.IndexOf(" → ", StringComparison.Ordinal);
        if (colon < 0 || arrow < colon)
            return line;
        var name = line[..colon];
        var from = line[(colon + 2)..arrow];
        var rest = line[(arrow + 3)..];
        var sizeAt = rest.IndexOf(", ", StringComparison.Ordinal);
        var to = sizeAt < 0 ? rest : rest[..sizeAt];
        var size = sizeAt < 0 ? "" : rest[sizeAt..];
        var change = (from, to) switch
        {
            (Absent, NoVersion) => "added",
            (Absent, _) => $"added {to}",
            (NoVersion, Absent) => "removed",
            (_, Absent) => $"removed {from}",
            _ => $"{Versions(from)} → {Versions(to)}",
        };
        return $"{name}: {change}{size}";
    }

    private static string Versions(string versions) => versions == NoVersion ? "(no version)" : versions;
}
