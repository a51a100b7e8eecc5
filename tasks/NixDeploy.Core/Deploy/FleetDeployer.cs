using System.Diagnostics;
using NixDeploy.Diagnostics;
using NixDeploy.Processes;
using NixDeploy.Progress;

namespace NixDeploy.Deploy;

/// <summary>
/// Deploys machines wave by wave (<see cref="DeploySettings.Waves"/>), in parallel within a wave (at most
/// <see cref="DeploySettings.Parallelism"/> at once). A wave starts only when the one before failed no more machines
/// than <see cref="DeploySettings.MaxFailures"/> allows; otherwise the machines of the waves after it are skipped
/// (ND5045), and with <see cref="DeploySettings.RollbackWave"/> the wave's deployed machines roll back with it
/// (<see cref="WaveGate"/>). The failure policy works across waves: with halt, no machine starts after one failed, and
/// those are reported skipped (in the report and as progress).
/// </summary>
public sealed class FleetDeployer(DeploySettings settings, MachineDeployer machines, ICommandLog log, ProgressWriter? progress = null)
{
    public async Task<DeployReport> DeployAsync(IReadOnlyList<MachinePlan> plans, IReadOnlyList<DeployWave> waves, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(settings.Parallelism);
        var failed = 0;
        log.Info($"NixDeploy: {(settings.DryRun ? "dry run of" : "deploying")} {plans.Count} machine(s), mode {settings.Mode.ToSettingName()}, {settings.Parallelism} at a time, on failure: {settings.OnFailure.ToString().ToLowerInvariant()}"
            + (waves.Count > 1 ? $", in {waves.Count} waves of at most {settings.MaxFailures.Text} failure(s) each" : ""));
        if (waves.Count > 1)
            foreach (var wave in waves)
                foreach (var machine in wave.Machines)
                    progress?.Wave(machine, wave.Number);

        async Task<MachineReport> DeployOneAsync(MachinePlan plan, WaveGate? gate)
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
                var started = DateTimeOffset.UtcNow;
                // On a pool thread: a machine's deploy starts its first ssh process before it first waits, so started
                // here the machines would start one after another (each process start of this large process costs ms).
                var report = await Task.Run(() => machines.DeployAsync(plan, gate, cancellationToken), CancellationToken.None).ConfigureAwait(false);
                if (!report.Status.ReachedDesiredState())
                    Interlocked.Increment(ref failed);
                return report with { StartedAt = started, FinishedAt = DateTimeOffset.UtcNow };
            }
            finally
            {
                slots.Release();
            }
        }

        async Task<MachineReport> InWaveAsync(MachinePlan plan, WaveGate? gate)
        {
            var report = await DeployOneAsync(plan, gate).ConfigureAwait(false);
            // Every machine of the wave must arrive, or the wave's held machines would wait for it forever.
            gate?.Finished(plan.Name, report);
            return report;
        }

        var byName = plans.ToDictionary(plan => plan.Name, StringComparer.Ordinal);
        var byMachine = new SortedDictionary<string, MachineReport>(StringComparer.Ordinal);
        var waveReports = new List<WaveReport>();
        string? stopped = null;
        foreach (var wave in waves)
        {
            var wavePlans = wave.Machines.Select(name => byName[name]).ToList();
            var allowed = settings.MaxFailures.Allowed(wave.Machines.Count);
            if (stopped is not null)
            {
                foreach (var plan in wavePlans)
                    byMachine[plan.Name] = NotStarted(plan, ErrorCodes.WaveOverFailureBudget,
                        $"{plan.Name} was not deployed: {stopped}, so wave {wave.Number} ({wave.Spec}) did not start. Fix those machines and deploy again (--retry-failed deploys only what did not get there).") with { Wave = wave.Number };
                waveReports.Add(new WaveReport(wave.Number, wave.Spec, wave.Machines, 0, allowed, "not-started"));
                continue;
            }
            if (waves.Count > 1)
                log.Info($"NixDeploy: wave {wave.Number} ({wave.Spec}): {string.Join(", ", wave.Machines)}");
            var gate = settings.RollbackWave ? new WaveGate(wave, settings.MaxFailures, slots) : null;
            var reports = await Task.WhenAll(wavePlans.Select(plan => InWaveAsync(plan, gate))).ConfigureAwait(false);
            for (var i = 0; i < wavePlans.Count; i++)
                byMachine[wavePlans[i].Name] = reports[i] with { Wave = wave.Number };
            // Machines rolled back with their wave were healthy: the wave's failures are the others'.
            var failures = reports.Count(report => !report.Status.ReachedDesiredState() && report.Status != MachineStatus.Skipped
                && report.ErrorCode != ErrorCodes.RolledBackWithWave);
            stopped = settings.MaxFailures.Exceeded(wave, failures);
            waveReports.Add(new WaveReport(wave.Number, wave.Spec, wave.Machines, failures, allowed,
                stopped is null ? "healthy" : reports.Any(report => report.ErrorCode == ErrorCodes.RolledBackWithWave) ? "rolled-back" : "over-budget"));
            if (stopped is not null && waves.Count > 1)
                log.Info($"NixDeploy: {stopped}: no further wave starts");
        }
        return new DeployReport(
            DeployReport.CurrentSchemaVersion,
            settings.DryRun,
            byMachine.Values.All(report => report.Status.ReachedDesiredState()),
            startedAt,
            Math.Round(clock.Elapsed.TotalSeconds, 3),
            settings.Parallelism,
            settings.OnFailure,
            byMachine) { Mode = settings.Mode, Waves = waveReports };
    }

    private MachineReport NotStarted(MachinePlan plan, string code, string message)
    {
        log.Info($"NixDeploy: {message}");
        // A machine that never starts sends no step; without this event a live view would not list it at all.
        progress?.Finished(plan.Name, MachineStatus.Skipped.ToReportName());
        return new MachineReport(MachineStatus.Skipped, plan.Deployment.Addr, MachineReport.UnknownPreviousClosure, plan.Closure, 0, [], code, message);
    }
}
