using System.Text.RegularExpressions;

namespace NixDeploy.Tests.Infrastructure;

/// <summary>
/// Which targets ran and which were skipped as up-to-date, read from a detailed-verbosity log.
/// The detailed log, not the normal one, because at normal verbosity a target that logs nothing leaves no line at all;
/// the up-to-date line is the same at both: <c>Skipping target "X" because all output files are up-to-date ...</c>.
/// </summary>
public sealed partial class TargetExecutions
{
    private readonly Dictionary<string, int> _started;
    private readonly Dictionary<string, int> _skippedUpToDate;

    public TargetExecutions(string detailedLog)
    {
        StartOrder = TargetStarted().Matches(detailedLog).Select(match => match.Groups["target"].Value).ToList();
        _started = CountByTarget(TargetStarted(), detailedLog);
        _skippedUpToDate = CountByTarget(TargetSkippedUpToDate(), detailedLog);
    }

    /// <summary>Every target reached, in the order MSBuild started them (a target starts after its dependencies).</summary>
    public IReadOnlyList<string> StartOrder { get; }

    /// <summary>The target's tasks ran at least once (fully, partially, or it has no Inputs/Outputs).</summary>
    public bool Ran(string target) => Count(_started, target) > Count(_skippedUpToDate, target);

    /// <summary>The target was reached and every time skipped because its outputs were up-to-date.</summary>
    public bool SkippedAsUpToDate(string target) => Count(_skippedUpToDate, target) > 0 && !Ran(target);

    private static int Count(Dictionary<string, int> counts, string target) => counts.GetValueOrDefault(target);

    private static Dictionary<string, int> CountByTarget(Regex pattern, string log) =>
        pattern.Matches(log).GroupBy(match => match.Groups["target"].Value, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(group => group.Key, group => group.Count(), StringComparer.OrdinalIgnoreCase);

    // 'Target "X" in project "..."' for the project's own targets, 'Target "X" in file "..." from project "..."' for imported ones.
    [GeneratedRegex("""^\s*(?:\d+(?::\d+)?>)?Target "(?<target>[^"]+)" in (?:project|file) """, RegexOptions.Multiline)]
    private static partial Regex TargetStarted();

    [GeneratedRegex("""Skipping target "(?<target>[^"]+)" because all output files are up-to-date""")]
    private static partial Regex TargetSkippedUpToDate();
}
