using System.Text.RegularExpressions;

namespace NixDeploy.Cache;

/// <summary>
/// Condenses what a failed push or fetch printed into one line for a warning or error: Nix's "error:" lines without
/// colours, each with the indented lines that directly follow it (the rest of the reason, e.g. both hashes of a
/// mismatch), leaving out what comes after a blank line (the HTML bodies that HTTP errors carry).
/// </summary>
public static partial class FailureText
{
    public static string Condense(string text)
    {
        var lines = AnsiEscape().Replace(text, "").Split('\n').Select(line => line.TrimEnd()).ToList();
        var errors = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (!lines[i].StartsWith("error:", StringComparison.Ordinal))
                continue;
            var error = lines[i]["error:".Length..].Trim();
            while (i + 1 < lines.Count && lines[i + 1].Length > 0 && char.IsWhiteSpace(lines[i + 1][0]))
                error += " " + Whitespace().Replace(lines[++i].Trim(), " ");
            errors.Add(error);
        }
        var chosen = errors.Count > 0 ? errors : lines.Where(line => line.Trim().Length > 0).Take(1).Select(line => line.Trim()).ToList();
        return chosen.Count == 0 ? "no message" : string.Join("; ", chosen.Distinct(StringComparer.Ordinal));
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
