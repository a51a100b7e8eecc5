using System.Text.RegularExpressions;

namespace NixDeploy.Cache;

/// <summary>
/// Condenses what a failed push printed into one line for a warning or error: Nix's "error:" lines without
/// colours, leaving out the HTML bodies that HTTP errors carry.
/// </summary>
public static partial class FailureText
{
    public static string Condense(string text)
    {
        var lines = AnsiEscape().Replace(text, "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Length > 0)
            .ToList();
        var errors = lines.Where(line => line.StartsWith("error:", StringComparison.Ordinal)).Select(line => line["error:".Length..].Trim()).ToList();
        var chosen = errors.Count > 0 ? errors : lines.Take(1).ToList();
        return chosen.Count == 0 ? "no message" : string.Join("; ", chosen.Distinct(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();
}
