namespace NixDeploy.Tests.Infrastructure;

/// <summary>
/// One error or warning as MSBuild prints it: <c>file(line,col): error ND0001: message</c>.
/// <see cref="File"/> is whatever stands before the position, which is "MSBUILD" or a tool name when there is no file.
/// </summary>
public sealed record BuildDiagnostic(
    BuildDiagnosticSeverity Severity,
    string? Code,
    string File,
    int? Line,
    int? Column,
    string Message)
{
    public override string ToString() =>
        $"{File}{(Line is null ? "" : $"({Line}{(Column is null ? "" : $",{Column}")})")}: " +
        $"{Severity.ToString().ToLowerInvariant()}{(Code is null ? "" : $" {Code}")}: {Message}";
}
