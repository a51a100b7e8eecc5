using Microsoft.Extensions.Logging;
using NixDeploy.Diagnostics;
using NixDeploy.Live;
using NixDeploy.Manifest;
using NixDeploy.Server.Store;
using NixDeploy.Ssh;

namespace NixDeploy.Server.Rollouts;

/// <summary>
/// What a restarted server does first: every machine a stopped server left running has its live system read again.
/// A machine that answers is queued again, so its deployment resumes (the engine finds it at its desired closure or
/// deploys it); one that does not is recorded interrupted, with why.
/// </summary>
public sealed class RolloutRecovery(IControlPlaneStore store, DataDirectory data, SshOptions ssh, ILogger<RolloutRecovery> logger, TimeProvider time)
{
    /// <summary>Returns the deployments that resume.</summary>
    public async Task<IReadOnlySet<string>> RecoverAsync(CancellationToken cancellationToken)
    {
        var resumed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rollout in store.Running())
        {
            // Only pull machines' agents were left: they go on by themselves (their reports find the deployment as it was).
            if (rollout.Machines.Count == 0)
            {
                store.FinishDeployment(rollout.DeploymentId, null, time.GetUtcNow());
                continue;
            }
            DeploymentManifest manifest;
            try
            {
                manifest = ManifestFile.ReadBuilt(data.Document(rollout.DeploymentId));
            }
            catch (NixDeployException e)
            {
                Interrupt(rollout, rollout.Machines, null, $"its deployment.json cannot be read again ({e.Diagnostics[0].Message})");
                continue;
            }
            var log = new LoggerCommandLog(logger);
            var states = await Task.WhenAll(rollout.Machines.Select(machine =>
                new LiveHost(machine, manifest.Blueprint[machine].Deployment, ssh, log).ReadAsync(cancellationToken)));
            var again = new List<string>();
            for (var i = 0; i < rollout.Machines.Count; i++)
            {
                var (machine, state) = (rollout.Machines[i], states[i]);
                if (state.ErrorCode is null)
                {
                    store.RecordLive(machine, state.Closure, time.GetUtcNow());
                    again.Add(machine);
                    continue;
                }
                Interrupt(rollout, [machine], manifest, $"its live system could not be read ({state.ErrorCode}: {state.Error})");
            }
            logger.LogWarning("Deployment {Deployment} was running when the server stopped: {Resumed} machine(s) resume, {Interrupted} interrupted",
                rollout.DeploymentId, again.Count, rollout.Machines.Count - again.Count);
            store.Requeue(rollout.DeploymentId, again);
            if (again.Count > 0)
                resumed.Add(rollout.DeploymentId);
            else
                store.FinishDeployment(rollout.DeploymentId, null, time.GetUtcNow());
        }
        return resumed;
    }

    private void Interrupt(QueuedRollout rollout, IReadOnlyList<string> machines, DeploymentManifest? manifest, string why)
    {
        foreach (var machine in machines)
            store.FinishMachine(rollout.DeploymentId, new MachineOutcome(machine, "interrupted", null, manifest?.Closures.GetValueOrDefault(machine), time.GetUtcNow(), [], [],
                ErrorCodes.RolloutInterrupted,
                $"The server stopped during {machine}'s rollout, and on restart {why}. Look at the machine ('dotnet nixdeploy status') and post the deployment again.",
                null, false));
        if (machines.Count == rollout.Machines.Count)
            store.FinishDeployment(rollout.DeploymentId, null, time.GetUtcNow());
    }
}
