using System.Text.Json.Serialization;
using NixDeploy.Diagnostics;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>
/// Brings a machine's workloads (applications beside its system) to what deployment.json wants, under the machine's
/// deploy lock, once its system is live: activated and confirmed, or unchanged already. A workload that is already
/// running as wanted is not touched.
/// </summary>
public interface IWorkloadStep
{
    Task<WorkloadOutcome> RunAsync(MachinePlan plan, SshClient ssh, CancellationToken cancellationToken);
}

/// <summary>What the step did to each workload; <see cref="Failure"/> stopped it, and <see cref="RolledBack"/> says the previous instance runs again.</summary>
public sealed record WorkloadOutcome(IReadOnlyDictionary<string, WorkloadReport> Workloads, NixDeployException? Failure = null, bool RolledBack = false)
{
    public bool Changed => Workloads.Values.Any(workload => workload.Status != WorkloadStatus.Unchanged);
}

/// <summary>One workload's outcome in deploy-report.json: its status and the digest of what was to run.</summary>
public sealed record WorkloadReport(WorkloadStatus Status, string? Digest);

public enum WorkloadStatus
{
    [JsonStringEnumMemberName("unchanged")] Unchanged,
    [JsonStringEnumMemberName("deployed")] Deployed,
    [JsonStringEnumMemberName("rolled-back")] RolledBack,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("removed")] Removed,
}
