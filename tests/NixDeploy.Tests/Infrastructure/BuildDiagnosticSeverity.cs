namespace NixDeploy.Tests.Infrastructure;

public enum BuildDiagnosticSeverity
{
    Error,
    Warning,
}
