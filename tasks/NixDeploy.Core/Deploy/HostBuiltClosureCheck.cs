using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>
/// NixDeployBuildOn=target: the host built its closure itself and the deployer's store does not hold it, so
/// nothing is copied; the host's store is only asked whether the closure is there (<c>nix path-info --store</c>).
/// </summary>
public sealed class HostBuiltClosureCheck(NixCli nix) : IClosureTransport
{
    public async Task CopyAsync(SshClient host, string closure, Action<NixActivity>? onActivity, CancellationToken cancellationToken)
    {
        var result = await nix.RunAsync(
            NixCli.WithFeatures("path-info", "--store", SshArguments.NixStoreUri(host.Target), closure),
            cancellationToken,
            SshArguments.NixSshEnvironment(host.Options, host.Target, host.ControlPath)).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new NixDeployException(ErrorCodes.ClosureNotOnTarget,
                $"{closure} is not in the store of {host.Target}, which was to build it (NixDeployBuildOn=target); nothing was activated. Build again (with NixDeployBuildOn=target) and deploy. Nix said:{Environment.NewLine}{NixMessages.Trim(result.StandardError)}");
    }
}
