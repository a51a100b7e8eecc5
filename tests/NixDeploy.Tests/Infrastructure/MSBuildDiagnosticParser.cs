using System.Text.RegularExpressions;

namespace NixDeploy.Tests.Infrastructure;

/// <summary>Finds the errors and warnings in MSBuild console output (canonical error format).</summary>
public static partial class MSBuildDiagnosticParser
{
    /// <summary>
    /// Every distinct diagnostic, in order of first appearance: the console logger prints each one twice,
    /// once where it happened and once in the closing summary.
    /// </summary>
    public static IReadOnlyList<BuildDiagnostic> Parse(string output) =>
        output.Split('\n').Select(TryParseLine).OfType<BuildDiagnostic>().Distinct().ToList();

    public static BuildDiagnostic? TryParseLine(string line)
    {
        var match = CanonicalLine().Match(line.TrimEnd('\r'));
        if (!match.Success)
        {
            return null;
        }

        return new BuildDiagnostic(
            match.Groups["severity"].Value == "error" ? BuildDiagnosticSeverity.Error : BuildDiagnosticSeverity.Warning,
            match.Groups["code"].Success ? match.Groups["code"].Value : null,
            match.Groups["file"].Value.Trim(),
            match.Groups["line"].Success ? int.Parse(match.Groups["line"].Value) : null,
            match.Groups["column"].Success ? int.Parse(match.Groups["column"].Value) : null,
            match.Groups["message"].Value.Trim());
    }

    // Optional node prefix ("1>", "1:2>"), origin with optional (line[,col[,endLine,endCol]]), severity, optional code,
    // message, and the " [/path/project]" suffix that lower verbosities append.
    [GeneratedRegex("""
        ^\s*(?:\d+(?::\d+)?>)?\s*
        (?:(?<file>[^\s].*?)(?:\((?<line>\d+)(?:,(?<column>\d+))?(?:,\d+)*\))?\s*:\s*)?
        (?<severity>error|warning)(?:\s+(?<code>[A-Za-z]+\d+))?\s*:\s*
        (?<message>.*?)
        (?:\s+\[(?:/|[A-Za-z]:\\)[^\]]*\])?\s*$
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex CanonicalLine();
}
