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
/// </summary>
public sealed class MachineDeployer(
    DeploySettings settings, IClosureTransport transport, HealthCheckRunner health, ICommandLog log, ProgressWriter? progress = null, IPreActivationStep? beforeActivation = null)
{
    private readonly TimeSpan _confirmTimeout = TimeSpan.FromSeconds(settings.ConfirmTimeoutSeconds);
    private readonly TimeSpan _activationTimeout = TimeSpan.FromSeconds(settings.ActivationTimeoutSeconds);

    public async Task<MachineReport> DeployAsync(MachinePlan plan, CancellationToken cancellationToken)
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
            var placed = beforeActivation is not null
                && await clock.TimeAsync(beforeActivation.Name, () => beforeActivation.RunAsync(plan, agent.Ssh, cancellationToken)).ConfigureAwait(false);
            if (previous == closure)
            {
                // Nothing is activated, so nothing can roll back: the placed files are the live system's now.
                if (placed)
                    await clock.TimeAsync("keep-files", () => agent.KeepPlacedFilesAsync(cancellationToken)).ConfigureAwait(false);
                return Report(plan, clock, MachineStatus.Unchanged, previous, rebootRequired: hostLock.RebootRequired);
            }
            await clock.TimeAsync("copy", () => transport.CopyAsync(agent.Ssh, closure,
                activity => progress?.Detail(plan.Name, "copy", activity.Describe()), cancellationToken)).ConfigureAwait(false);
            hostLock.EnsureHeld(agent.Ssh.Target);
            return await ActivateAsync(plan, closure, previous, agent, clock, cancellationToken).ConfigureAwait(false);
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

    private async Task<MachineReport> ActivateAsync(
        MachinePlan plan, string closure, string? lockedPrevious, RemoteAgent agent, StepClock clock, CancellationToken cancellationToken)
    {
        var rollback = plan.Deployment.AutoRollback;
        var limits = new ActivationLimits(_activationTimeout, _confirmTimeout, HealthCheckRunner.Budget(plan.Deployment.HealthChecks));
        var token = $"{DateTime.UtcNow:yyyyMMddTHHmmssZ}-{Guid.NewGuid():N}";

        var activation = await clock.TimeAsync("activate", () => agent.ActivateAsync(token, closure, limits, rollback, cancellationToken)).ConfigureAwait(false);
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
                await clock.TimeAsync("health-checks", () => health.RunAsync(plan.Name, agent.Ssh, plan.Deployment.HealthChecks, cancellationToken,
                    attempt => progress?.Detail(plan.Name, "health-checks", attempt))).ConfigureAwait(false);
            }
            catch (NixDeployException e)
            {
                failure = e;
            }
        }
        if (failure is null)
        {
            var finish = await clock.TimeAsync("confirm", () => agent.FinishAsync(token, closure, limits, rollback, cancellationToken)).ConfigureAwait(false);
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
                return Report(plan, clock, MachineStatus.Deployed, previous, rebootRequired: activation.Value("reboot") == "1");
        }
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

    private static MachineStatus StatusOf(NixDeployException e) =>
        e.Code == ErrorCodes.HostUnreachable ? MachineStatus.Unreachable : MachineStatus.Failed;

    private MachineReport Report(
        MachinePlan plan, StepClock clock, MachineStatus status, string? previous, NixDeployException? error = null, bool? rebootRequired = null)
    {
        var report = new MachineReport(status, plan.Deployment.Addr, previous, plan.Closure, clock.TotalSeconds, clock.Steps, error?.Code,
            error is null ? null : string.Join(Environment.NewLine, error.Diagnostics.Select(d => d.Message)), rebootRequired);
        log.Info($"NixDeploy: {plan.Name}: {status.ToReportName()} ({clock.TotalSeconds:0.0} s)");
        progress?.Finished(plan.Name, status.ToReportName());
        return report;
    }
}
