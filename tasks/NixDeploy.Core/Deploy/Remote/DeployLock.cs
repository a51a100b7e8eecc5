using NixDeploy.Diagnostics;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy.Remote;

/// <summary>
/// A host's deploy lock (<c>flock</c> on the host), held by an ssh session that lives exactly as long as this
/// object, or as the deployer process: the lock cannot go stale.
/// </summary>
internal sealed class DeployLock(SshHeldSession session, string? currentSystem, string? profileSystem, bool rebootRequired) : IAsyncDisposable
{
    /// <summary>The live system read under the lock, null when the host has none.</summary>
    public string? CurrentSystem { get; } = currentSystem;

    /// <summary>The system profile's system (what the host boots next, once its boot entry is set), null without a profile.</summary>
    public string? ProfileSystem { get; } = profileSystem;

    /// <summary>Whether the live system boots otherwise than the host runs (see Host/agent.sh's <c>reboot_required</c>).</summary>
    public bool RebootRequired { get; } = rebootRequired;

    /// <summary>Fails when the session holding the lock ended (the connection dropped): nothing may change then.</summary>
    public void EnsureHeld(SshTarget target)
    {
        if (!session.IsAlive)
            throw new NixDeployException(ErrorCodes.HostUnreachable,
                $"The connection to {target} that holds its deploy lock was lost ({session.StandardError.Trim()}); nothing more is changed on it.");
    }

    public ValueTask DisposeAsync() => session.DisposeAsync();
}
