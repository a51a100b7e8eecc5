namespace NixDeploy.Diagnostics;

/// <summary>
/// The known name a misspelt one was most likely meant to be, for "did you mean ...?" in errors about unknown fields
/// and options. Only close names are suggested: a wild guess would send the user the wrong way.
/// </summary>
public static class NearestName
{
    /// <summary>The closest of <paramref name="known"/> (case-insensitive edit distance, a swap of two letters counting once), or null when none is close.</summary>
    public static string? Of(string unknown, IEnumerable<string> known)
    {
        var limit = Math.Max(1, unknown.Length / 3);
        return known
            .Select(name => (Name: name, Distance: Distance(unknown.ToLowerInvariant(), name.ToLowerInvariant())))
            .Where(candidate => candidate.Distance <= limit)
            .OrderBy(candidate => candidate.Distance)
            .ThenBy(candidate => candidate.Name, StringComparer.Ordinal)
            .Select(candidate => candidate.Name)
            .FirstOrDefault();
    }

    /// <summary>What to tell the user about <paramref name="unknown"/>: the nearest known name if there is one, and all of them.</summary>
    public static string Hint(string unknown, IReadOnlyCollection<string> known) =>
        Of(unknown, known) is { } nearest
            ? $"did you mean {nearest}? (known: {string.Join(", ", known)})"
            : $"use one of {string.Join(", ", known)}";

    // Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
