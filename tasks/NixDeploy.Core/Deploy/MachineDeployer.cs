using NixDeploy.Deploy.Remote;
using NixDeploy.Diagnostics;
using NixDeploy.Host;
using NixDeploy.Nix;
using NixDeploy.Processes;
using NixDeploy.Progress;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>
/// Deploys one machine, deploy-rs style: lock the host, compare its live system, copy the closure, set the profile
/// and activate under a watchdog, run the health checks, set the boot entry and confirm. Any failure after the
/// profile changed rolls back (when autoRollback is on) and the previous system is verified live again.
/// <see cref="DeploySettings.Mode"/> test leaves profile and boot entry; boot sets only them (nothing activated, no
/// health checks); dry-activate copies the closure and reports what its activation would change.
/// What switch-to-configuration and the health checks print is kept on the host and fetched once the machine is done,
/// into one file per machine and run in <paramref name="logDirectory"/>, which the report names.
/// With a <see cref="WaveGate"/> (NixDeployRollbackWave), a healthy machine is confirmed or rolled back with its wave.
/// Once the system is live (switch and test), <paramref name="workloads"/> brings the machine's workloads up to date under
/// the same lock; a workload that fails and is rolled back makes the machine <c>rolled-back</c>.
/// </summary>
public sealed class MachineDeployer(
    DeploySettings settings, IClosureTransport transport, HealthCheckRunner health, ICommandLog log, string logDirectory,
    ProgressWriter? progress = null, IPreActivationStep? beforeActivation = null, IWorkloadStep? workloads = null)
{
    private readonly TimeSpan _confirmTimeout = TimeSpan.FromSeconds(settings.ConfirmTimeoutSeconds);
    private readonly TimeSpan _activationTimeout = TimeSpan.FromSeconds(settings.ActivationTimeoutSeconds);

    public async Task<MachineReport> DeployAsync(MachinePlan plan, WaveGate? wave, CancellationToken cancellationToken)
    {
        var clock = new StepClock(step => progress?.Step(plan.Name, step));
        string? previous = MachineReport.UnknownPreviousClosure;
        try
        {
            if (plan.Closure is null)
                throw new NixDeployException(ErrorCodes.MachineNotBuilt,
                    $"{plan.Name} has no closure in deployment.json: its build failed or it was not selected when the manifest was written. Build it, then deploy.");
            var closure = StorePath.Require(plan.Closure, $"The closure of {plan.Name}");
            var agent = new RemoteAgent(new SshClient(settings.Ssh, SshTarget.From(plan.Name, plan.Deployment, null), log));
            if (settings.DryRun)
            {
                previous = await clock.TimeAsync("read", () => agent.ReadCurrentSystemAsync(cancellationToken)).ConfigureAwait(false);
                return Report(plan, clock, previous == closure ? MachineStatus.Unchanged : MachineStatus.WouldChange, previous);
            }
            await using var hostLock = await clock.TimeAsync("lock", () => agent.LockAsync(cancellationToken)).ConfigureAwait(false);
            previous = hostLock.CurrentSystem;
            // Before the comparison: files such as artifacts can change while the closure stays the same.
            // A dry activation changes nothing, files included.
            var placed = beforeActivation is not null && settings.Mode != DeployMode.DryActivate
                && await clock.TimeAsync(beforeActivation.Name, () => beforeActivation.RunAsync(plan, agent.Ssh, cancellationToken)).ConfigureAwait(false);
            var rebootRequired = settings.Mode == DeployMode.Boot ? previous != closure || hostLock.RebootRequired : hostLock.RebootRequired;
            if (AlreadyThere(closure, hostLock))
            {
                // Nothing is activated, so nothing can roll back: the placed files are the live system's now.
                if (placed)
                    await clock.TimeAsync("keep-files", () => agent.KeepPlacedFilesAsync(cancellationToken)).ConfigureAwait(false);
                return await WithWorkloadsAsync(plan, clock, MachineStatus.Unchanged, previous, agent, cancellationToken, rebootRequired).ConfigureAwait(false);
            }
            // Nix's log is read line by line only for a live view; without one, once the copy ended (bench/push).
            await clock.TimeAsync("copy", () => transport.CopyAsync(agent.Ssh, closure,
                progress is { Enabled: true } ? activity => progress.Detail(plan.Name, "copy", activity.Describe()) : null, cancellationToken)).ConfigureAwait(false);
            hostLock.EnsureHeld(agent.Ssh.Target);
            // Names the deploy's state and log on the host, and its log here.
            var token = $"{DateTime.UtcNow:yyyyMMddTHHmmssZ}-{Guid.NewGuid():N}";
            var report = settings.Mode switch
            {
                DeployMode.Boot => await SetBootEntryAsync(plan, token, closure, previous, rebootRequired, agent, clock, cancellationToken).ConfigureAwait(false),
                DeployMode.DryActivate => await DryActivateAsync(plan, token, closure, previous, agent, clock, cancellationToken).ConfigureAwait(false),
                _ => await ActivateAsync(plan, token, closure, previous, agent, clock, wave, cancellationToken).ConfigureAwait(false),
            };
            return await WithLogAsync(report, plan.Name, token, agent, cancellationToken).ConfigureAwait(false);
        }
        catch (NixDeployException e)
        {
            return Report(plan, clock, e.Code == ErrorCodes.HostUnreachable ? MachineStatus.Unreachable : MachineStatus.Failed, previous, e);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Report(plan, clock, MachineStatus.Failed, previous, new NixDeployException(ErrorCodes.DeployCancelled,
                $"The deploy of {plan.Name} was cancelled; an activation that was not confirmed is rolled back by the host's watchdog."));
        }
    }

    /// <summary>
    /// Whether the mode has nothing to do: switch when the closure is live and the profile's, boot when it is the
    /// profile's, test and dry-activate when it is live.
    /// </summary>
    private bool AlreadyThere(string closure, DeployLock host) => settings.Mode switch
    {
        DeployMode.Switch => host.CurrentSystem == closure && host.ProfileSystem == closure,
        DeployMode.Boot => host.ProfileSystem == closure,
        _ => host.CurrentSystem == closure,
    };

    /// <summary>The report with the deploy's log from the host, saved as <c>TOKEN-MACHINE.log</c>; as it was when there is none or it cannot be fetched.</summary>
    private async Task<MachineReport> WithLogAsync(MachineReport report, string machine, string token, RemoteAgent agent, CancellationToken cancellationToken)
    {
        var text = await agent.FetchLogAsync(token, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(text))
            return report;
        Directory.CreateDirectory(logDirectory);
        var file = Path.GetFullPath(Path.Combine(logDirectory, $"{token}-{machine}.log"));
        await File.WriteAllTextAsync(file, text, CancellationToken.None).ConfigureAwait(false);
        return report with { Log = file };
    }

    private async Task<MachineReport> SetBootEntryAsync(
        MachinePlan plan, string token, string closure, string? previous, bool rebootRequired, RemoteAgent agent, StepClock clock, CancellationToken cancellationToken)
    {
        var result = await clock.TimeAsync("boot", () => agent.SetBootEntryAsync(token, closure, _activationTimeout, cancellationToken)).ConfigureAwait(false);
        var failure = result.ExitCode switch
        {
            HostProtocol.Exit.Ok when result.Value("profile") == closure => null,
            HostProtocol.Exit.Ok => new NixDeployException(ErrorCodes.RemoteAgentFailed,
                $"After setting the boot entry of {plan.Name}, its system profile is '{result.Value("profile") ?? "none"}', not {closure}."),
            HostProtocol.Exit.BootEntryFailed => new NixDeployException(ErrorCodes.BootEntryFailed,
                $"Making {closure} the boot default on {plan.Name} failed; its system profile, boot entry and files are back as they were: {result.StandardError}"),
            _ => agent.Failed("boot", result),
        };
        if (failure is not null)
            return Report(plan, clock, StatusOf(failure), previous, failure);
        // Live already (after a deploy of mode test): booting it changes nothing that runs.
        return Report(plan, clock, previous == closure ? MachineStatus.Deployed : MachineStatus.PendingReboot, previous, rebootRequired: rebootRequired);
    }

    private async Task<MachineReport> DryActivateAsync(
        MachinePlan plan, string token, string closure, string? previous, RemoteAgent agent, StepClock clock, CancellationToken cancellationToken)
    {
        var result = await clock.TimeAsync("dry-activate", () => agent.DryActivateAsync(token, closure, _activationTimeout, cancellationToken)).ConfigureAwait(false);
        var failure = result.ExitCode switch
        {
            HostProtocol.Exit.Ok => null,
            HostProtocol.Exit.ActivationFailed => new NixDeployException(ErrorCodes.ActivationFailed,
                $"switch-to-configuration dry-activate of {closure} on {plan.Name} failed: {result.StandardError}"),
            HostProtocol.Exit.ActivationTimedOut => new NixDeployException(ErrorCodes.ActivationTimedOut,
                $"switch-to-configuration dry-activate of {closure} on {plan.Name} did not finish within {settings.ActivationTimeoutSeconds} s (NixDeployActivationTimeout): {result.StandardError}"),
            _ => agent.Failed("dry-activate", result),
        };
        return failure is null
            ? Report(plan, clock, MachineStatus.WouldChange, previous, dryActivation: result.StandardError)
            : Report(plan, clock, StatusOf(failure), previous, failure);
    }

    /// <summary>
    /// Activates under the watchdog, checks, confirms or rolls back. Cancelled on the way, the report says when the
    /// host's watchdog rolls back an activation that is not confirmed (as this deployer set it), and nothing more is
    /// asked of the host: the watchdog is the one rollback, and it needs no deployer.
    /// </summary>
    private async Task<MachineReport> ActivateAsync(
        MachinePlan plan, string token, string closure, string? lockedPrevious, RemoteAgent agent, StepClock clock, WaveGate? wave, CancellationToken cancellationToken)
    {
        var limits = new ActivationLimits(_activationTimeout, _confirmTimeout, HealthCheckRunner.Budget(plan.Deployment.HealthChecks));
        var watchdog = new WatchdogDeadline();
        if (plan.Deployment.AutoRollback)
            watchdog.At = DateTimeOffset.UtcNow + limits.ArmedFor;
        try
        {
            return await ActivateUnderWatchdogAsync(plan, token, closure, lockedPrevious, agent, clock, limits, watchdog, wave, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var until = watchdog.At is { } at
                ? $"its watchdog rolls the host back to {lockedPrevious ?? "no system"} at {at:HH:mm:ss} UTC unless the deploy is confirmed, which it no longer will be"
                : "autoRollback is off: nothing rolls it back";
            return Report(plan, clock, MachineStatus.Failed, lockedPrevious, new NixDeployException(ErrorCodes.DeployCancelled,
                $"The deploy of {plan.Name} was cancelled during its activation: {closure} may be live there, unconfirmed; {until}. " +
                $"Its host's output so far: {HostProtocol.StateRoot}/{token}.log on {plan.Name}."), watchdogDeadline: watchdog.At);
        }
    }

    /// <summary>
    /// While the machine waits for its wave: moves its watchdog's deadline to NixDeployConfirmTimeout from now, so the
    /// host still rolls back by itself that long after the deployer vanished. A host that rolled back already is found
    /// by the confirmation (ND5008).
    /// </summary>
    private async Task KeepUnconfirmedAsync(MachinePlan plan, RemoteAgent agent, string token, WatchdogDeadline watchdog)
    {
        var deadline = DateTimeOffset.UtcNow + _confirmTimeout;
        try
        {
            var result = await agent.ExtendDeadlineAsync(token, _confirmTimeout, CancellationToken.None).ConfigureAwait(false);
            if (result.ExitCode != HostProtocol.Exit.Ok)
                throw agent.Failed("extend", result);
            watchdog.At = deadline;
        }
        catch (NixDeployException e)
        {
            // The wave's decision still comes; the confirmation or the rollback then finds what the host did.
            log.Info($"NixDeploy: {plan.Name}: its watchdog's deadline was not moved: {e.Diagnostics[0].Message}");
        }
    }

    /// <summary>When the host's watchdog rolls back the activation unless it is confirmed, as this deployer set it; null: none armed.</summary>
    private sealed class WatchdogDeadline
    {
        public DateTimeOffset? At { get; set; }
    }

    private async Task<MachineReport> ActivateUnderWatchdogAsync(
        MachinePlan plan, string token, string closure, string? lockedPrevious, RemoteAgent agent, StepClock clock, ActivationLimits limits,
        WatchdogDeadline watchdog, WaveGate? wave, CancellationToken cancellationToken)
    {
        var rollback = plan.Deployment.AutoRollback;
        var activation = await clock.TimeAsync("activate", () => agent.ActivateAsync(token, closure, limits, rollback, BootDefault, cancellationToken)).ConfigureAwait(false);
        if (rollback)
            watchdog.At = DateTimeOffset.UtcNow + limits.ConfirmWithin;
        // The agent read the live system again under the lock, just before changing anything.
        var previous = activation.Printed("previous") ? activation.Value("previous") : lockedPrevious;
        var live = activation.Value("current");
        var failure = activation.ExitCode switch
        {
            HostProtocol.Exit.Ok when live == closure => null,
            // switch-to-configuration can exit 0 without switching: found before the confirmation, so the watchdog rolls back.
            HostProtocol.Exit.Ok => new NixDeployException(previous is null ? ErrorCodes.FirstActivationDidNotTake : ErrorCodes.ActivationDidNotTake,
                $"Activating {closure} on {plan.Name} did not take: switch-to-configuration test exited 0, but the live system is '{live ?? "none"}'."),
            HostProtocol.Exit.ActivationFailed => new NixDeployException(ErrorCodes.ActivationFailed,
                $"Activating {closure} on {plan.Name} failed: {activation.StandardError}"),
            HostProtocol.Exit.ActivationTimedOut => new NixDeployException(ErrorCodes.ActivationTimedOut,
                $"Activating {closure} on {plan.Name} did not finish within {settings.ActivationTimeoutSeconds} s (NixDeployActivationTimeout); it was killed on the host. {activation.StandardError}"),
            _ => agent.Failed("activate", activation),
        };
        if (!activation.Printed("previous"))
        {
            // Nothing was changed: the agent prints the previous system before its first change.
            failure ??= agent.Failed("activate", activation);
            return Report(plan, clock, StatusOf(failure), previous, failure);
        }

        if (failure is null)
        {
            log.Info($"NixDeploy: {plan.Name}: activated {closure}; running health checks");
            try
            {
                await clock.TimeAsync("health-checks", () => health.RunAsync(plan.Name, agent, token, plan.Deployment.HealthChecks, cancellationToken,
                    attempt => progress?.Detail(plan.Name, "health-checks", attempt))).ConfigureAwait(false);
            }
            catch (NixDeployException e)
            {
                failure = e;
            }
        }
        // Without autoRollback nothing could roll it back later: it is confirmed now, as a machine of no wave.
        if (failure is null && wave is not null && rollback)
            failure = await clock.TimeAsync("wave", () => wave.HoldAsync(plan.Name, () => KeepUnconfirmedAsync(plan, agent, token, watchdog),
                _confirmTimeout / 3, cancellationToken)).ConfigureAwait(false);
        if (failure is null)
        {
            var finish = await clock.TimeAsync("confirm", () => agent.FinishAsync(token, closure, limits, rollback, BootDefault, cancellationToken)).ConfigureAwait(false);
            failure = finish.ExitCode switch
            {
                HostProtocol.Exit.Ok when finish.Value("current") == closure => null,
                HostProtocol.Exit.Ok => new NixDeployException(ErrorCodes.RemoteAgentFailed,
                    $"After confirming, the live system of {plan.Name} is '{finish.Value("current")}', not {closure}."),
                HostProtocol.Exit.BootEntryFailed => new NixDeployException(ErrorCodes.BootEntryFailed,
                    $"Making {closure} the boot default on {plan.Name} failed: {finish.StandardError}"),
                HostProtocol.Exit.ConfirmationTooLate => new NixDeployException(ErrorCodes.ConfirmationTooLate,
                    $"The confirmation reached {plan.Name} after its watchdog's deadline (NixDeployConfirmTimeout {settings.ConfirmTimeoutSeconds} s after the health checks), so the host rolled back by itself."),
                _ => agent.Failed("finish", finish),
            };
            if (failure is null)
                return await WithWorkloadsAsync(plan, clock, MachineStatus.Deployed, previous, agent, cancellationToken, activation.Value("reboot") == "1").ConfigureAwait(false);
        }
        if (rollback)
            // Asked to roll back now: the watchdog's deadline becomes now.
            watchdog.At = DateTimeOffset.UtcNow;
        return await RollBackAsync(plan, agent, token, limits, previous, failure, clock, cancellationToken).ConfigureAwait(false);
    }

    private async Task<MachineReport> RollBackAsync(
        MachinePlan plan, RemoteAgent agent, string token, ActivationLimits limits, string? previous, NixDeployException failure, StepClock clock, CancellationToken cancellationToken)
    {
        if (!plan.Deployment.AutoRollback)
            return Report(plan, clock, MachineStatus.Failed, previous, new NixDeployException(failure.Code,
                $"{failure.Diagnostics[0].Message} autoRollback is off for {plan.Name}: it was left as it is."));
        log.Info($"NixDeploy: {plan.Name}: {failure.Code}; rolling back to {previous ?? "no system"}");
        AgentResult result;
        try
        {
            result = await clock.TimeAsync("rollback", () => agent.RollbackAsync(token, limits, cancellationToken)).ConfigureAwait(false);
        }
        catch (NixDeployException e)
        {
            return Report(plan, clock, StatusOf(e), previous, new NixDeployException(e.Code,
                $"{failure.Diagnostics[0].Message} The rollback could not be verified: {e.Diagnostics[0].Message} The host's watchdog rolls back by itself at its deadline."));
        }
        var live = result.Value("current");
        if (result.ExitCode == HostProtocol.Exit.Ok && result.Value("result") == "rolled-back" && live == previous)
            return failure.Code == ErrorCodes.FirstActivationDidNotTake
                // Back to nothing is no working system to report as rolled back to.
                ? Report(plan, clock, MachineStatus.Failed, previous, new NixDeployException(failure.Code,
                    $"{failure.Diagnostics[0].Message} {plan.Name} had no system before this deploy and has none now: no live system and no system profile (verified)."))
                : Report(plan, clock, MachineStatus.RolledBack, previous, new NixDeployException(failure.Code,
                    $"{failure.Diagnostics[0].Message} Rolled back: the live system is {previous ?? "none (as before)"} again (verified)."));
        var why = result.ExitCode switch
        {
            HostProtocol.Exit.Ok => $"the watchdog reports '{result.Value("result") ?? "nothing"}' and the live system is '{live ?? "none"}'",
            HostProtocol.Exit.RollbackUnfinished => $"it did not finish within {limits.RollbackWait.TotalSeconds:0} s",
            _ => agent.Failed("rollback", result).Diagnostics[0].Message,
        };
        return Report(plan, clock, result.ExitCode == SshClient.UnreachableExitCode ? MachineStatus.Unreachable : MachineStatus.Failed, previous,
            new NixDeployException(ErrorCodes.RollbackFailed,
                $"{failure.Diagnostics[0].Message} Rolling back to {previous ?? "no system"} failed: {why}. Inspect {plan.Name} ({HostProtocol.StateRoot}/{token}/watchdog.log)."));
    }

    /// <summary>
    /// The report of a machine whose system is live as wanted (<paramref name="status"/>), after its workloads: one that
    /// changed makes an unchanged machine deployed; one that failed makes it failed, or rolled-back when its previous
    /// instance runs again. Modes boot and dry-activate leave workloads alone, as they leave the live system.
    /// </summary>
    private async Task<MachineReport> WithWorkloadsAsync(
        MachinePlan plan, StepClock clock, MachineStatus status, string? previous, RemoteAgent agent, CancellationToken cancellationToken, bool? rebootRequired)
    {
        if (workloads is null || settings.Mode is not (DeployMode.Switch or DeployMode.Test))
            return Report(plan, clock, status, previous, rebootRequired: rebootRequired);
        WorkloadOutcome outcome;
        try
        {
            outcome = await clock.TimeAsync("workloads", () => workloads.RunAsync(plan, agent.Ssh, cancellationToken)).ConfigureAwait(false);
        }
        catch (NixDeployException e)
        {
            return Report(plan, clock, StatusOf(e), previous, e, rebootRequired);
        }
        var final = outcome.Failure is not null ? outcome.RolledBack ? MachineStatus.RolledBack : StatusOf(outcome.Failure)
            : outcome.Changed && status == MachineStatus.Unchanged ? MachineStatus.Deployed
            : status;
        return Report(plan, clock, final, previous, outcome.Failure, rebootRequired, workloads: outcome.Workloads.Count > 0 ? outcome.Workloads : null);
    }

    // Mode test activates without making the closure the profile's or the boot default.
    private bool BootDefault => settings.Mode == DeployMode.Switch;

    private static MachineStatus StatusOf(NixDeployException e) =>
        e.Code == ErrorCodes.HostUnreachable ? MachineStatus.Unreachable : MachineStatus.Failed;

    private MachineReport Report(
        MachinePlan plan, StepClock clock, MachineStatus status, string? previous, NixDeployException? error = null, bool? rebootRequired = null,
        string? dryActivation = null, DateTimeOffset? watchdogDeadline = null, IReadOnlyDictionary<string, WorkloadReport>? workloads = null)
    {
        var report = new MachineReport(status, plan.Deployment.Addr, previous, plan.Closure, clock.TotalSeconds, clock.Steps, error?.Code,
            error is null ? null : string.Join(Environment.NewLine, error.Diagnostics.Select(d => d.Message)), rebootRequired, dryActivation)
        {
            WatchdogDeadline = watchdogDeadline,
            Workloads = workloads,
        };
        log.Info($"NixDeploy: {plan.Name}: {status.ToReportName()} ({clock.TotalSeconds:0.0} s)");
        progress?.Finished(plan.Name, status.ToReportName());
        return report;
    }
}
