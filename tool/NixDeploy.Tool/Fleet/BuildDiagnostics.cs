using System.Text.RegularExpressions;
using NixDeploy.Diagnostics;

namespace NixDeploy.Tool.Fleet;

/// <summary>One error or warning the child build printed: MSBuild's canonical "FILE : error CODE: MESSAGE [PROJECT]".</summary>
public sealed record BuildDiagnostic(bool IsError, string Code, string Message, string? File)
{
    public Diagnostic ToDiagnostic() =>
        Code.StartsWith("ND", StringComparison.Ordinal)
            ? new Diagnostic(Code, Message, File)
            // An MSBuild or NuGet error (a missing SDK, an unknown target): the tool's code, MSBuild's words.
            : new Diagnostic(ErrorCodes.TargetFailed, $"{Code}: {Message}", File);
}

/// <summary>Finds the errors and warnings in a build's console output.</summary>
public static partial class BuildDiagnostics
{
    [GeneratedRegex(@"^\s*(?<file>.*?)(\(\d+(,\d+)*\))?\s*:\s*(?<severity>error|warning)\s+(?<code>[A-Z]+[0-9]+)\s*:\s*(?<message>.*?)(\s+\[[^\]]*\])?\s*$")]
    private static partial Regex Line();

    public static BuildDiagnostic? ParseLine(string line)
    {
        var match = Line().Match(line);
        if (!match.Success)
            return null;
        var file = match.Groups["file"].Value.Trim();
        return new BuildDiagnostic(match.Groups["severity"].Value == "error", match.Groups["code"].Value, match.Groups["message"].Value,
            file.Length == 0 || file.StartsWith("MSBUILD", StringComparison.Ordinal) ? null : file);
    }

    /// <summary>
    /// The diagnostics in order; MSBuild prints each line of a multi-line message as its own line, rejoined here.
    /// `dotnet build` asks for the closing summary whatever -clp says, and it repeats every diagnostic: it is not read.
    /// </summary>
    public static IReadOnlyList<BuildDiagnostic> Parse(string output)
    {
        var diagnostics = new List<BuildDiagnostic>();
        var beforeSummary = output.Split('\n').Select(line => line.TrimEnd('\r')).TakeWhile(line => !IsSummaryHeading(line));
        foreach (var diagnostic in beforeSummary.Select(ParseLine).OfType<BuildDiagnostic>())
        {
            if (diagnostics.Count > 0 && diagnostics[^1] is var last && last.IsError == diagnostic.IsError && last.Code == diagnostic.Code && last.File == diagnostic.File)
                diagnostics[^1] = last with { Message = last.Message + Environment.NewLine + diagnostic.Message };
            else
                diagnostics.Add(diagnostic);
        }
        return diagnostics;
    }

    private static bool IsSummaryHeading(string line) => line.Trim() is "Build FAILED." or "Build succeeded.";
}
