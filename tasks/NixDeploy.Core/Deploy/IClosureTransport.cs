using NixDeploy.Nix;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>
/// Brings a closure into a host's store before activation. <see cref="NixCopyTransport"/> pushes it over SSH;
/// with a binary cache configured, the host substitutes it from the cache instead.
/// </summary>
public interface IClosureTransport
{
    /// <summary>Copies <paramref name="closure"/>; <paramref name="onActivity"/>, if any (a live view), hears how far a copy from here got, as it goes.</summary>
    Task CopyAsync(SshClient host, string closure, Action<NixActivity>? onActivity, CancellationToken cancellationToken);
}
