using NixDeploy.Diagnostics;

namespace NixDeploy.Deploy;

/// <summary>
/// NixDeployRollbackWave: the machines of one wave that were activated and passed their health checks wait here,
/// unconfirmed (their watchdogs armed and kept from firing), until every machine of the wave has an outcome. Then all
/// are confirmed, or, when the wave failed more machines than NixDeployMaxFailures allows, all roll back through the
/// deploy's one rollback (the watchdog's). A waiting machine gives its parallelism slot to the wave's other machines.
/// </summary>
public sealed class WaveGate(DeployWave wave, FailureBudget budget, SemaphoreSlim slots)
{
    private readonly TaskCompletionSource<NixDeployException?> _decision = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<string> _arrived = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private int _failures;

    /// <summary>
    /// Waits for the wave's decision, running <paramref name="keepAlive"/> (which moves the host's watchdog deadline)
    /// every <paramref name="keepAliveEvery"/>: null to confirm the machine, else why it rolls back.
    /// </summary>
    public async Task<NixDeployException?> HoldAsync(string machine, Func<Task> keepAlive, TimeSpan keepAliveEvery, CancellationToken cancellationToken)
    {
        Arrive(machine, failed: false);
        slots.Release();
        try
        {
            while (!_decision.Task.IsCompleted)
            {
                await keepAlive().ConfigureAwait(false);
                await Task.WhenAny(_decision.Task, Task.Delay(keepAliveEvery, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
            return await _decision.Task.ConfigureAwait(false);
        }
        finally
        {
            // The deployer releases the slot when the machine is done.
            await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>A machine's outcome; one that held is counted already. A skipped machine never ran and is no failure.</summary>
    public void Finished(string machine, MachineReport report) =>
        Arrive(machine, !report.Status.ReachedDesiredState() && report.Status != MachineStatus.Skipped);

    private void Arrive(string machine, bool failed)
    {
        lock (_gate)
        {
            if (!_arrived.Add(machine))
                return;
            if (failed)
                _failures++;
            if (_arrived.Count < wave.Machines.Count)
                return;
        }
        _decision.TrySetResult(budget.Exceeded(wave, _failures) is { } why
            ? new NixDeployException(ErrorCodes.RolledBackWithWave,
                $"It was deployed and healthy, but {why}, and NixDeployRollbackWave is true: the wave's deployed machines are rolled back, not confirmed.")
            : null);
    }
}
