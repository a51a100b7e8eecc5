using NixDeploy.Manifest;
using NixDeploy.Ssh;

namespace NixDeploy.Workloads.Hosts;

/// <summary>
/// One workload of a machine, as its host runs it against what deployment.json wants. <see cref="Action"/> is what a
/// deploy would do: <c>unchanged</c>, <c>deploy</c> (not running as wanted) or <c>remove</c> (the machine no longer has it).
/// </summary>
public sealed record WorkloadState(string Name, string Action, string? DesiredDigest, string? RunningDigest, bool Running, bool? Healthy);

/// <summary>A machine's workloads on its host, for <c>status</c> and <c>plan</c>: one call of the host's workload program.</summary>
public static class WorkloadStates
{
    public static async Task<IReadOnlyList<WorkloadState>> ReadAsync(SshClient ssh, IReadOnlyList<ManifestWorkload> desired, bool health, CancellationToken cancellationToken)
    {
        var running = await HostWorkloads.StatusAsync(ssh, health, cancellationToken).ConfigureAwait(false);
        return desired.Select(workload => running.GetValueOrDefault(workload.Name) is { } now
                ? new WorkloadState(workload.Name, now.Runs(workload) ? "unchanged" : "deploy", workload.Digest, now.Digest, now.Running, now.Healthy)
                : new WorkloadState(workload.Name, "deploy", workload.Digest, null, false, null))
            .Concat(running.Values.Where(now => desired.All(workload => workload.Name != now.Name))
                .Select(now => new WorkloadState(now.Name, "remove", null, now.Digest, now.Running, now.Healthy)))
            .OrderBy(state => state.Name, StringComparer.Ordinal)
            .ToList();
    }
}
