using NixDeploy.Diagnostics;
using NixDeploy.Live;
using NixDeploy.Manifest;
using NixDeploy.Workloads.Hosts;

namespace NixDeploy.Tool.Output;

/// <summary>A machine's workloads for <c>status</c> and <c>plan</c>: read from its host, and printed one a line under the machine.</summary>
public static class WorkloadRows
{
    /// <summary>
    /// What the host runs of the machine's workloads; null when deployment.json has no workloads (no extra call) or the
    /// host was not read. A host whose workloads cannot be read is reported as a coded error line, not a failed command.
    /// </summary>
    public static async Task<IReadOnlyList<WorkloadState>?> ReadAsync(LiveHost host, DeploymentManifest manifest, LiveState state, bool health, CancellationToken cancellationToken)
    {
        if (manifest.Workloads is null || !state.Reachable || state.Error is not null)
            return null;
        try
        {
            return await WorkloadStates.ReadAsync(host.Ssh, manifest.Workloads.GetValueOrDefault(host.Machine) ?? [], health, cancellationToken);
        }
        catch (NixDeployException e)
        {
            return [new WorkloadState($"({e.Code}: {e.Diagnostics[0].Message})", "unknown", null, null, false, null)];
        }
    }

    public static void Print(ToolConsole console, string machine, IReadOnlyList<WorkloadState>? workloads)
    {
        foreach (var workload in workloads ?? [])
            console.Out.WriteLine($"  {machine} workload {workload.Name}: {Describe(workload)}");
    }

    private static string Describe(WorkloadState workload) =>
        $"{workload.Action}, wants {workload.DesiredDigest ?? "nothing"}, runs {workload.RunningDigest ?? "nothing"}"
        + (workload.RunningDigest is null ? "" : workload.Running ? " (running" + workload.Healthy switch { true => ", healthy)", false => ", unhealthy)", _ => ")" } : " (stopped)");
}
