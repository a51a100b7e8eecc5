using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary><c>nix copy --to ssh://user@addr CLOSURE</c>, connecting with the deployer's own SSH options.</summary>
public sealed class NixCopyTransport(NixCli nix) : IClosureTransport
{
    public async Task CopyAsync(SshClient host, string closure, Action<NixActivity> onActivity, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string?> { ["NIX_SSHOPTS"] = SshArguments.NixSshOpts(host.Options, host.Target, host.ControlPath) };
        var result = await nix.RunAsync(
            NixCli.WithFeatures("copy", "--to", SshArguments.NixStoreUri(host.Target), closure),
            cancellationToken,
            environment,
            onActivity: onActivity).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new NixDeployException(ErrorCodes.ClosureCopyFailed,
                $"Copying {closure} to {host.Target} failed; nothing was activated. Nix said:{Environment.NewLine}{NixMessages.Trim(result.StandardError)}");
    }
}
