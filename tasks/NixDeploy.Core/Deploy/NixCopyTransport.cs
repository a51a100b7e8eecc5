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
    // How the host's Nix words a path it will not take from an untrusted user (the SSH user is not in trusted-users).
    private const string UntrustedMarker = "lacks a valid signature";

    public async Task CopyAsync(SshClient host, string closure, Action<NixActivity>? onActivity, CancellationToken cancellationToken)
    {
        // Only a live view counts bytes: by the local NAR sizes of the closure's paths, as Nix 2.8 reports none.
        var narSizes = onActivity is null ? null : (await LocalNarSizes.ReadAsync(nix, [closure],
            $"Listing the closure {closure} to copy to {host.Target} failed; build it again.", null, cancellationToken).ConfigureAwait(false)).ToDictionary();
        string[] substitute = substituteOnDestination ? ["--substitute-on-destination"] : [];
        var result = await nix.RunAsync(
            NixCli.WithFeatures(["copy", .. substitute, "--to", SshArguments.NixStoreUri(host.Target), closure]),
            cancellationToken,
            SshArguments.NixSshEnvironment(host.Options, host.Target, host.ControlPath),
            onActivity: onActivity, narSizes: narSizes).ConfigureAwait(false);
        if (!result.Succeeded && result.StandardError.Contains(UntrustedMarker, StringComparison.Ordinal))
            throw new NixDeployException(ErrorCodes.ClosureCopyNotTrusted,
                $"{host.Target}'s Nix refused {closure}: {host.Target.User} is not a trusted user of its Nix daemon, which accepts only signed paths from other users. Nothing was activated. "
                + $"Trust the user on the host: 'trusted-users = root {host.Target.User}' in /etc/nix/nix.conf, then restart nix-daemon (NixOS: nix.settings.trusted-users = [ \"{host.Target.User}\" ];). Nix said:{Environment.NewLine}{NixMessages.Trim(result.StandardError)}");
        if (!result.Succeeded)
            throw new NixDeployException(ErrorCodes.ClosureCopyFailed,
                $"Copying {closure} to {host.Target} failed; nothing was activated. Nix said:{Environment.NewLine}{NixMessages.Trim(result.StandardError)}");
    }
}
