using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>
/// <c>nix copy --to ssh://user@addr CLOSURE</c>, connecting with the deployer's own SSH options. With
/// <paramref name="substituteOnDestination"/> (NixDeploySubstituteOnDestination) the host first fetches what it can
/// from its own substituters (<c>--substitute-on-destination</c>) and the deployer sends only the rest.
/// </summary>
public sealed class NixCopyTransport(NixCli nix, bool substituteOnDestination = false) : IClosureTransport
{
    public async Task CopyAsync(SshClient host, string closure, Action<NixActivity> onActivity, CancellationToken cancellationToken)
    {
        string[] substitute = substituteOnDestination ? ["--substitute-on-destination"] : [];
        var result = await nix.RunAsync(
            NixCli.WithFeatures(["copy", .. substitute, "--to", SshArguments.NixStoreUri(host.Target), closure]),
            cancellationToken,
            SshArguments.NixSshEnvironment(host.Options, host.Target, host.ControlPath),
            onActivity: onActivity).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new NixDeployException(ErrorCodes.ClosureCopyFailed,
                $"Copying {closure} to {host.Target} failed; nothing was activated. Nix said:{Environment.NewLine}{NixMessages.Trim(result.StandardError)}");
    }
}
