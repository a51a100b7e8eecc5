using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>
/// Brings a closure into a host's store before activation. <see cref="NixCopyTransport"/> pushes it over SSH;
/// with a binary cache configured, the host substitutes it from the cache instead.
/// </summary>
public interface IClosureTransport
{
    Task CopyAsync(SshClient host, string closure, CancellationToken cancellationToken);
}
