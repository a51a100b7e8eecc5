using System.Security.Cryptography;
using NixDeploy.ControlPlane;
using NixDeploy.IO;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Rollouts;

/// <summary>
/// Takes a posted deployment: checks it (nothing is stored when it is bad), answers the same id for the same desired
/// state as the newest deployment (rolling it out again if it has ended), and otherwise writes the document to disk and stores the deployment (queued) before
/// it answers, then wakes the runner.
/// </summary>
public sealed class DeploymentIntake(IControlPlaneStore store, DataDirectory data, RolloutSignal signal, MachineSignals machines, TimeProvider time)
{
    // One intake at a time: two posts of one desired state must not both create a deployment.
    private readonly Lock _gate = new();

    public DeploymentAccepted Accept(ReadOnlyMemory<byte> body)
    {
        var document = DeploymentDocument.Parse(body);
        lock (_gate)
        {
            if (store.NewestDeployment() is { } newest && newest.DesiredState == document.DesiredState)
            {
                // One deployment per desired state; posted again after it ended, it rolls out again (drift is repaired).
                if (store.Reconcile(newest.Id))
                    signal.Notify();
                return new DeploymentAccepted(newest.Id, false);
            }
            var receivedAt = time.GetUtcNow();
            var id = $"{receivedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
            AtomicFile.Write(data.Document(id), document.Text);
            var manifest = document.Manifest;
            var desired = manifest.Closures.Keys.Order(StringComparer.Ordinal)
                .Select(name => new DesiredMachine(name, manifest.Blueprint[name].Deployment.Addr, manifest.Closures[name], manifest.Blueprint[name].Deployment.IsPull))
                .ToList();
            store.AddDeployment(new NewDeployment(id, receivedAt, manifest.GitCommit, document.DesiredState, desired));
            signal.Notify();
            machines.Notify(desired.Select(machine => machine.Name));
            return new DeploymentAccepted(id, true);
        }
    }
}
