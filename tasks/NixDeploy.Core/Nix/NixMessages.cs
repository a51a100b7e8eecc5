namespace NixDeploy.Nix;

/// <summary>Shortens what Nix printed on failure to what a user needs to read.</summary>
public static class NixMessages
{
    private const int MaxLines = 25;

    public static string Trim(string stderr)
    {
        // Nix warns about dirty git trees on every call; that is noise next to a real error.
        var lines = stderr.Split('\n')
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.Length > 0 && !(line.StartsWith("warning: Git tree '", StringComparison.Ordinal) && line.EndsWith("' is dirty", StringComparison.Ordinal)))
            .ToList();
        var firstError = lines.FindIndex(line => line.StartsWith("error", StringComparison.Ordinal));
        if (firstError > 0)
            lines = lines[firstError..];
        if (lines.Count > MaxLines)
            lines = [.. lines.Take(MaxLines), $"... ({lines.Count - MaxLines} more lines; run the build with -v:d to see them)"];
        return string.Join(Environment.NewLine, lines);
    }
}
