using System.Text.Json.Serialization;
using NixDeploy.IO;

namespace NixDeploy.Deploy;

/// <summary>
/// <c>deploy-report.json</c>: what a deploy did to every selected machine. <see cref="RunId"/> is the id of the build
/// that wrote it (NixDeployRunId), so a reader knows whether the report is its own run's.
/// </summary>
public sealed record DeployReport(
    int SchemaVersion,
    bool DryRun,
    bool Succeeded,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    int Parallelism,
    FailurePolicy OnFailure,
    IReadOnlyDictionary<string, MachineReport> Machines) : IRunReport
{
    public const int CurrentSchemaVersion = 1;

    public string? RunId { get; init; }

    /// <summary>What the deploy did with each closure (NixDeployDeployMode).</summary>
    public DeployMode Mode { get; init; }

    /// <summary>The waves (NixDeployWaves) in the order they ran or would have, with what became of each.</summary>
    public IReadOnlyList<WaveReport>? Waves { get; init; }

    public static ReportFile<DeployReport> Json { get; } = new(DeployJsonContext.Default.DeployReport);
}

/// <summary>
/// One machine's outcome. <see cref="PreviousClosure"/> is the live system found before the deploy (null: none;
/// <see cref="UnknownPreviousClosure"/> when it could not be read), <see cref="NewClosure"/> the desired one;
/// <see cref="ErrorCode"/> and <see cref="ErrorMessage"/> are set whenever the machine did not reach its desired state
/// (also when it was rolled back). <see cref="RebootRequired"/>: whether the system now live boots another kernel,
/// initrd or kernel command line than the host runs (null: not known, the deploy did not get that far); after mode
/// boot, whether the closure still waits for that reboot. <see cref="DryActivation"/>: with mode dry-activate, what
/// the closure's <c>switch-to-configuration dry-activate</c> said activating it would change. <see cref="Log"/>: the
/// file (under NixDeployLogPath) with what switch-to-configuration and the health checks printed on the host; null
/// when nothing ran there, or the log could not be fetched (it stays on the host then).
/// </summary>
public sealed record MachineReport(
    MachineStatus Status,
    string Address,
    // Written even when null: "no system before" is a fact worth stating, not a missing field.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? PreviousClosure,
    string? NewClosure,
    double DurationSeconds,
    IReadOnlyList<StepDuration> Steps,
    string? ErrorCode,
    string? ErrorMessage,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool? RebootRequired = null,
    string? DryActivation = null,
    string? Log = null)
{
    /// <summary>
    /// A deploy cancelled during its activation: when the host's watchdog rolls back an activation that is not
    /// confirmed (as the deployer set it; <c>dotnet nixdeploy status</c> reads the host's own). Null otherwise.
    /// </summary>
    public DateTimeOffset? WatchdogDeadline { get; init; }

    /// <summary>The number of the machine's wave (NixDeployWaves); 1 when there is one wave.</summary>
    public int? Wave { get; init; }

    /// <summary>When the deployer started and finished the machine (not set for a machine that never started).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The machine's workloads, by name (null: it has none, or the deploy did not get to them).</summary>
    public IReadOnlyDictionary<string, WorkloadReport>? Workloads { get; init; }

    /// <summary>The previous closure of a host whose live system was not read (unreachable, locked, not started).</summary>
    public const string UnknownPreviousClosure = "unknown";
}

/// <summary>How long one step of a machine's deploy took (lock, copy, activate, health-checks, confirm, rollback).</summary>
public sealed record StepDuration(string Step, double Seconds);

/// <summary>
/// One wave of a deploy: its number and spelling in NixDeployWaves, its machines, how many of them failed (failed,
/// unreachable, rolled back on their own) and may have (NixDeployMaxFailures), and its <see cref="Outcome"/>:
/// <c>healthy</c> (the next wave may start), <c>over-budget</c> (no further wave started), <c>rolled-back</c>
/// (over budget, and its deployed machines rolled back: NixDeployRollbackWave) or <c>not-started</c>.
/// </summary>
public sealed record WaveReport(int Number, string Spec, IReadOnlyList<string> Machines, int Failures, int AllowedFailures, string Outcome);
