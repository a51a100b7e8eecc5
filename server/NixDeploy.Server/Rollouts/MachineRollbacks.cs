using Microsoft.Extensions.Logging;
using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;
using NixDeploy.Live;
using NixDeploy.Manifest;
using NixDeploy.Server.Store;
using NixDeploy.Ssh;

namespace NixDeploy.Server.Rollouts;

/// <summary>
/// <c>POST /machines/{name}/rollback</c>: the machine back to its previous system generation with the rollback of
/// <c>dotnet nixdeploy rollback</c> (<see cref="LiveHost.RollbackAsync"/>, under the host's deploy lock, so never
/// during a rollout), recorded with what was live before and after.
/// </summary>
public sealed class MachineRollbacks(IControlPlaneStore store, DataDirectory data, SshOptions ssh, ILogger<MachineRollbacks> logger, TimeProvider time)
{
    /// <summary>The outcome; null when the server has never been asked to deploy the machine.</summary>
    public async Task<RollbackOutcome?> RollBackAsync(string machine, CancellationToken cancellationToken)
    {
        if (store.DesiredDeploymentOf(machine) is not { } deploymentId)
            return null;
        var manifest = ManifestFile.ReadBuilt(data.Document(deploymentId));
        // Nothing connects to a pull machine: nothing is done or recorded.
        if (manifest.Blueprint[machine].Deployment.IsPull)
            return new RollbackOutcome(machine, "failed", null, null, ErrorCodes.PullMachineNeedsControlPlane,
                $"{machine} is a pull machine (deployment.mode = \"pull\"): nothing connects to it. Roll it back by posting a deployment with its previous configuration; its agent applies it.");
        var settings = RolloutSettings.For(manifest, ssh);
        var host = new LiveHost(machine, manifest.Blueprint[machine].Deployment, ssh, new LoggerCommandLog(logger));
        var requestedAt = time.GetUtcNow();
        var before = await host.ReadAsync(cancellationToken);
        RollbackOutcome outcome;
        try
        {
            var after = await host.RollbackAsync(TimeSpan.FromSeconds(settings.ActivationTimeoutSeconds), cancellationToken);
            outcome = new RollbackOutcome(machine, "rolled-back", before.Closure, after.Closure, null, null);
        }
        catch (NixDeployException e)
        {
            outcome = new RollbackOutcome(machine, "failed", before.Closure, null, e.Code, string.Join(" ", e.Diagnostics.Select(d => d.Message)));
        }
        store.AddRollback(new RollbackRecord(machine, requestedAt, time.GetUtcNow(), outcome));
        logger.LogInformation("Rollback of {Machine}: {Status} {Code}", machine, outcome.Status, outcome.ErrorCode);
        return outcome;
    }
}
