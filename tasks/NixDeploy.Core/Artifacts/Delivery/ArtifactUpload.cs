using NixDeploy.Blueprint;
using NixDeploy.Deploy;
using NixDeploy.Deploy.Remote;
using NixDeploy.Processes;
using NixDeploy.Ssh;

namespace NixDeploy.Artifacts.Delivery;

/// <summary>
/// Places a machine's artifact files without a deploy (colmena's upload-keys): under the host's deploy lock, so never
/// during a deploy or while an unconfirmed one's watchdog is armed, with the deploy's own <see cref="ArtifactPlacement"/>;
/// then the files stay, as after a deploy whose closure was already live (nothing is activated, nothing rolls back).
/// </summary>
public sealed class ArtifactUpload(ArtifactPlacement placement, SshOptions ssh, ICommandLog log)
{
    /// <summary>Whether the machine had files to place (false: it has no artifacts); failures throw coded errors.</summary>
    public async Task<bool> UploadAsync(string machine, DeploymentSpec deployment, CancellationToken cancellationToken)
    {
        var agent = new RemoteAgent(new SshClient(ssh, SshTarget.From(machine, deployment, null), log));
        await using var hostLock = await agent.LockAsync(cancellationToken).ConfigureAwait(false);
        if (!await placement.RunAsync(new MachinePlan(machine, deployment, null), agent.Ssh, cancellationToken).ConfigureAwait(false))
            return false;
        hostLock.EnsureHeld(agent.Ssh.Target);
        await agent.KeepPlacedFilesAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
