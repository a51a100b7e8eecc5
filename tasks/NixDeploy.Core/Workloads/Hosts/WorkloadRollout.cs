using System.Globalization;
using System.Text;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Host;
using NixDeploy.Manifest;
using NixDeploy.Ssh;

namespace NixDeploy.Workloads.Hosts;

/// <summary>
/// The deploy's workload step (<see cref="IWorkloadStep"/>): reads what the host runs, and for each workload of the
/// machine whose fingerprint differs (or that does not run) brings its deliverable into the host's store through the
/// deploy's own transport (the one that carries closures: nix copy, or the host's substitution from a cache), then has
/// the host check its digest before anything stops, load it, replace the running instance and run the health check,
/// starting the previous instance again when the new one fails. Workloads the host runs that the machine no longer
/// has are stopped and forgotten.
/// </summary>
public sealed class WorkloadRollout(IReadOnlyDictionary<string, IReadOnlyList<ManifestWorkload>> workloads, IClosureTransport transport) : IWorkloadStep
{
    // Loading an image archive can take a while on a busy host, on top of the health check's own limit.
    private static readonly TimeSpan LoadTime = TimeSpan.FromMinutes(5);

    public async Task<WorkloadOutcome> RunAsync(MachinePlan plan, SshClient ssh, CancellationToken cancellationToken)
    {
        var desired = workloads.GetValueOrDefault(plan.Name) ?? [];
        var running = await HostWorkloads.StatusAsync(ssh, health: false, cancellationToken).ConfigureAwait(false);
        if (desired.Count == 0 && running.Count == 0)
            return new WorkloadOutcome(new Dictionary<string, WorkloadReport>());
        var reports = new SortedDictionary<string, WorkloadReport>(StringComparer.Ordinal);
        foreach (var workload in desired)
        {
            if (running.GetValueOrDefault(workload.Name)?.Runs(workload) == true)
            {
                reports[workload.Name] = new WorkloadReport(WorkloadStatus.Unchanged, workload.Digest);
                continue;
            }
            if (workload.StorePath is { } deliverable)
                await transport.CopyAsync(ssh, deliverable, null, cancellationToken).ConfigureAwait(false);
            var failure = await DeployAsync(plan, ssh, workload, cancellationToken).ConfigureAwait(false);
            reports[workload.Name] = new WorkloadReport(failure is null ? WorkloadStatus.Deployed : failure.Value.RolledBack ? WorkloadStatus.RolledBack : WorkloadStatus.Failed, workload.Digest);
            if (failure is { } failed)
                return new WorkloadOutcome(reports, failed.Error, failed.RolledBack);
        }
        foreach (var gone in running.Keys.Where(name => desired.All(workload => workload.Name != name)))
        {
            var result = await HostWorkloads.RunAsync(ssh, ["remove", gone], $"nixdeploy-workload remove {gone}", LoadTime, null, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
                return new WorkloadOutcome(reports, new NixDeployException(ErrorCodes.WorkloadHostFailed,
                    $"Stopping workload '{gone}' on {plan.Name}, which the machine no longer runs, failed (exit {result.ExitCode}): {result.StandardError.Trim()}"));
            reports[gone] = new WorkloadReport(WorkloadStatus.Removed, running[gone].Digest);
        }
        return new WorkloadOutcome(reports);
    }

    private static async Task<(NixDeployException Error, bool RolledBack)?> DeployAsync(MachinePlan plan, SshClient ssh, ManifestWorkload workload, CancellationToken cancellationToken)
    {
        var check = workload.HealthCheck;
        string[] arguments =
        [
            "deploy", workload.Name, workload.Fingerprint, workload.Runtime.Kind, workload.Source, workload.Digest, workload.StorePath ?? workload.Image!,
            plan.Deployment.Addr, Number(workload.Runtime.Port), check?.Path ?? "", Number(check?.Port), Number(check?.Interval), Number(check?.Timeout),
        ];
        var result = await HostWorkloads.RunAsync(ssh, arguments, $"nixdeploy-workload deploy {workload.Name} ({workload.Digest})",
            LoadTime + TimeSpan.FromSeconds(check?.Timeout ?? 0), Lists(workload.Runtime), cancellationToken).ConfigureAwait(false);
        var what = $"Workload '{workload.Name}' ({workload.Digest}) on {plan.Name}";
        var said = result.StandardError.Trim();
        return result.ExitCode switch
        {
            HostProtocol.Exit.Ok => null,
            HostProtocol.Exit.WorkloadRolledBack => (new NixDeployException(ErrorCodes.WorkloadHealthCheckFailed,
                $"{what} failed, so its previous instance was started again and runs: {said}"), true),
            HostProtocol.Exit.WorkloadDigestMismatch => (new NixDeployException(ErrorCodes.WorkloadDigestMismatch,
                $"{what} was refused before anything stopped: {said}"), false),
            HostProtocol.Exit.WorkloadLoadFailed => (new NixDeployException(ErrorCodes.WorkloadLoadFailed, $"{what} could not be loaded; nothing was stopped: {said}"), false),
            HostProtocol.Exit.WorkloadRuntimeMissing => (new NixDeployException(ErrorCodes.WorkloadRuntimeMissing, $"{what} cannot run there: {said}"), false),
            HostProtocol.Exit.WorkloadStartFailed => (new NixDeployException(ErrorCodes.WorkloadStartFailed,
                $"{what} did not start, and there was no previous instance to start again: {said}"), false),
            HostProtocol.Exit.WorkloadRollbackFailed => (new NixDeployException(ErrorCodes.WorkloadRollbackFailed,
                $"{what} failed, and starting its previous instance again failed too: nothing runs. {said}"), false),
            _ => (new NixDeployException(ErrorCodes.WorkloadHostFailed, $"{what}: 'nixdeploy-workload deploy' failed (exit {result.ExitCode}): {said}"), false),
        };
    }

    // The runtime's lists, one "KIND WORD" a line on the program's stdin: words may hold spaces, never a line break (the parser refuses those).
    private static string Lists(WorkloadRuntime runtime)
    {
        var input = new StringBuilder();
        foreach (var option in runtime.Options)
            input.Append("option ").Append(option).Append('\n');
        foreach (var option in runtime.RunOptions)
            input.Append("run-option ").Append(option).Append('\n');
        foreach (var (name, value) in runtime.Env)
            input.Append("env ").Append(name).Append('=').Append(value).Append('\n');
        foreach (var word in runtime.Command)
            input.Append("command ").Append(word).Append('\n');
        return input.ToString();
    }

    private static string Number(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
