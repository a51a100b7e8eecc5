namespace NixDeploy.Processes;

/// <summary>The outcome of one external command: what it printed and how it exited.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0;
}
