using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace NixDeploy.Tests.Infrastructure;

/// <summary>What one dotnet build/clean/restore/msbuild run did, with the checks tests make on it.</summary>
public sealed partial class BuildResult
{
    private readonly Lazy<IReadOnlyList<BuildDiagnostic>> _diagnostics;
    private readonly Lazy<TargetExecutions> _targets;

    public BuildResult(string commandLine, int exitCode, string standardOutput, string standardError, string detailedLog, string? binaryLogPath)
    {
        CommandLine = commandLine;
        ExitCode = exitCode;
        StandardOutput = standardOutput;
        StandardError = standardError;
        DetailedLog = detailedLog;
        BinaryLogPath = binaryLogPath;
        _diagnostics = new(() => MSBuildDiagnosticParser.Parse(StandardOutput + "\n" + StandardError));
        _targets = new(() => new TargetExecutions(DetailedLog));
    }

    /// <summary>The command as it would be typed, for messages only: it was run as an argument list.</summary>
    public string CommandLine { get; }

    public int ExitCode { get; }

    public string StandardOutput { get; }

    public string StandardError { get; }

    /// <summary>The detailed-verbosity file log written next to the console output.</summary>
    public string DetailedLog { get; }

    public string? BinaryLogPath { get; }

    public bool Succeeded => ExitCode == 0;

    public IReadOnlyList<BuildDiagnostic> Errors => Diagnostics(BuildDiagnosticSeverity.Error);

    public IReadOnlyList<BuildDiagnostic> Warnings => Diagnostics(BuildDiagnosticSeverity.Warning);

    public bool TargetRan(string target) => _targets.Value.Ran(target);

    /// <summary>The targets reached, in the order they started (from the detailed log).</summary>
    public IReadOnlyList<string> TargetOrder => _targets.Value.StartOrder;

    /// <summary>Skipped because all its outputs were up-to-date with respect to its inputs.</summary>
    public bool TargetSkipped(string target) => _targets.Value.SkippedAsUpToDate(target);

    public void AssertSucceeded()
    {
        if (!Succeeded)
        {
            throw new XunitException($"Expected the build to succeed.\n{this}");
        }
    }

    public void AssertFailed()
    {
        if (Succeeded)
        {
            throw new XunitException($"Expected the build to fail.\n{this}");
        }
    }

    /// <summary>Users must see a message with an error code, never a .NET exception's type and stack frames.</summary>
    public void AssertNoStackTrace()
    {
        var offending = (StandardOutput + "\n" + StandardError).Split('\n')
            .Where(line => StackFrame().IsMatch(line) || ExceptionHeader().IsMatch(line))
            .ToList();
        if (offending.Count > 0)
        {
            throw new XunitException($"Expected no stack trace, found:\n{string.Join('\n', offending)}\n\n{this}");
        }
    }

    public override string ToString() =>
        $"""
        Command: {CommandLine}
        Exit code: {ExitCode}
        --- standard output ---
        {StandardOutput}
        --- standard error ---
        {StandardError}
        """;

    private IReadOnlyList<BuildDiagnostic> Diagnostics(BuildDiagnosticSeverity severity) =>
        _diagnostics.Value.Where(diagnostic => diagnostic.Severity == severity).ToList();

    // "   at Namespace.Type.Method(Args) in /path:line 12", with or without MSBuild's "1>" node prefix.
    [GeneratedRegex(@"^\s*(?:\d+(?::\d+)?>)?\s*at [\w.`<>\[\]+,|]+\(")]
    private static partial Regex StackFrame();

    // "System.InvalidOperationException: ..." or a bare "Exception: ...".
    [GeneratedRegex(@"(?:^|[\s.>])\w*Exception:")]
    private static partial Regex ExceptionHeader();
}
