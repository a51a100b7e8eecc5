using System.Diagnostics;
using NixDeploy.Diagnostics;
using NixDeploy.Processes;
using NixDeploy.Progress;

namespace NixDeploy.Deploy;

/// <summary>
/// Deploys machines in parallel (at most <see cref="DeploySettings.Parallelism"/> at once) and applies the failure
/// policy: with halt, no machine starts after one failed, and those are reported skipped (in the report and as progress).
/// </summary>
public sealed class FleetDeployer(DeploySettings settings, MachineDeployer machines, ICommandLog log, ProgressWriter? progress = null)
{
    public async Task<DeployReport> DeployAsync(IReadOnlyList<MachinePlan> plans, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(settings.Parallelism);
        var failed = 0;
        log.Info($"NixDeploy: {(settings.DryRun ? "dry run of" : "deploying")} {plans.Count} machine(s), mode {settings.Mode.ToSettingName()}, {settings.Parallelism} at a time, on failure: {settings.OnFailure.ToString().ToLowerInvariant()}");

        async Task<MachineReport> DeployOneAsync(MachinePlan plan)
        {
            try
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return NotStarted(plan, ErrorCodes.DeployCancelled, $"{plan.Name} was not deployed: the deploy was cancelled before it started.");
            }
            try
            {
                if (settings.OnFailure == FailurePolicy.Halt && Volatile.Read(ref failed) > 0)
                    return NotStarted(plan, ErrorCodes.MachineSkipped,
                        $"{plan.Name} was not deployed: an earlier machine failed and NixDeployOnFailure is halt. Fix that machine and deploy again.");
                // On a pool thread: a machine's deploy starts its first ssh process before it first waits, so started
                // here the machines would start one after another (each process start of this large process costs ms).
                var report = await Task.Run(() => machines.DeployAsync(plan, cancellationToken), CancellationToken.None).ConfigureAwait(false);
                if (!report.Status.ReachedDesiredState())
                    Interlocked.Increment(ref failed);
                return report;
            }
            finally
            {
                slots.Release();
            }
        }

        var reports = await Task.WhenAll(plans.Select(DeployOneAsync)).ConfigureAwait(false);
        var byMachine = new SortedDictionary<string, MachineReport>(StringComparer.Ordinal);
        for (var i = 0; i < plans.Count; i++)
            byMachine[plans[i].Name] = reports[i];
        return new DeployReport(
            DeployReport.CurrentSchemaVersion,
            settings.DryRun,
            reports.All(report => report.Status.ReachedDesiredState()),
            startedAt,
            Math.Round(clock.Elapsed.TotalSeconds, 3),
            settings.Parallelism,
            settings.OnFailure,
            byMachine) { Mode = settings.Mode };
    }

    private MachineReport NotStarted(MachinePlan plan, string code, string message)
    {
        log.Info($"NixDeploy: {message}");
        // A machine that never starts sends no step; without this event a live view would not list it at all.
        progress?.Finished(plan.Name, MachineStatus.Skipped.ToReportName());
        return new MachineReport(MachineStatus.Skipped, plan.Deployment.Addr, MachineReport.UnknownPreviousClosure, plan.Closure, 0, [], code, message);
    }
}
