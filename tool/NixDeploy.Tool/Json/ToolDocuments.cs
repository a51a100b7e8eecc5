using NixDeploy.Workloads.Hosts;

namespace NixDeploy.Tool.Json;

/// <summary>--json on failure: the exit code and every coded error.</summary>
public sealed record FailureDocument(int ExitCode, IReadOnlyList<DiagnosticDocument> Diagnostics);

public sealed record DiagnosticDocument(string Code, string Message, string? File);

/// <summary>--json of <c>eval</c>: the machines the selection evaluated.</summary>
public sealed record EvalDocument(IReadOnlyList<string> Machines);

/// <summary>
/// --json of <c>status</c>, one per machine. <c>Watchdog</c>: what became of a deploy the host never had confirmed
/// (pending, rolled-back, rollback-failed, unconfirmed), with the pending rollback's <c>WatchdogDeadline</c>; a machine
/// whose live system is unconfirmed is never at its desired closure. <c>Workloads</c>: what its host runs of its
/// workloads (digest, running, healthy), when deployment.json has workloads.
/// </summary>
public sealed record MachineStatusDocument(
    string Machine, string Address, bool Reachable, string? LiveClosure, int? Generation, string? DesiredClosure,
    bool AtDesiredClosure, string? LastDeployStatus, string? ErrorCode, string? Error, string? Watchdog = null, DateTimeOffset? WatchdogDeadline = null,
    IReadOnlyList<WorkloadState>? Workloads = null);

/// <summary>--json of <c>plan</c>, one per machine: what a deploy would do and the package changes.
/// <c>ChangedContents</c>: when no package version changed, the paths whose contents did (a changed setting: etc).
/// <c>Wave</c>: the machine's wave (NixDeployWaves) in the deploy this plans.
/// <c>Workloads</c>: what a deploy would do to each of its workloads, when deployment.json has workloads.</summary>
public sealed record MachinePlanDocument(
    string Machine, string Action, string? LiveClosure, string DesiredClosure, IReadOnlyList<string>? PackageChanges, string? ErrorCode, string? Error,
    IReadOnlyList<string>? ChangedContents = null, IReadOnlyList<WorkloadState>? Workloads = null)
{
    public int? Wave { get; init; }
}

/// <summary>--json of <c>rollback</c>, one per machine.</summary>
public sealed record MachineRollbackDocument(string Machine, bool RolledBack, string? LiveClosure, int? Generation, string? ErrorCode, string? Error);

/// <summary>--json of <c>exec</c>, one per machine: its exit code and output, or why the command did not run.</summary>
public sealed record MachineExecDocument(string Machine, int? ExitCode, string StandardOutput, string StandardError, string? ErrorCode, string? Error);

/// <summary>--json of <c>builds logs</c>: the log's lines and, when it was followed to its end, how the build ended.</summary>
public sealed record BuildLogDocument(string Build, IReadOnlyList<string> Lines, string? Status);
