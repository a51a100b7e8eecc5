using NixDeploy.Diagnostics;

namespace NixDeploy.Ssh;

/// <summary>
/// How the deployer authenticates hosts and itself: the same options go to every ssh call and, rendered as
/// <c>NIX_SSHOPTS</c>, to <c>nix copy</c>. Host keys are checked strictly unless turned off explicitly.
/// </summary>
public sealed record SshOptions(
    string? IdentityFile,
    string? KnownHostsFile,
    bool StrictHostKeyChecking = true,
    int ConnectTimeoutSeconds = 10,
    string Executable = "ssh",
    int ControlPersistSeconds = SshOptions.DefaultControlPersistSeconds)
{
    /// <summary>How long an idle shared connection to a host stays open for the next deploy, status or plan (Ansible's is 60 s too).</summary>
    public const int DefaultControlPersistSeconds = 60;

    /// <summary>Fails with ND5012 naming the setting to fix and where it is set when a file is missing or its path cannot be passed on.</summary>
    public SshOptions Validate(SettingLayers layers)
    {
        Check(IdentityFile, "NixDeploySshIdentityFile", "the deployer's private key", layers);
        Check(KnownHostsFile, "NixDeploySshKnownHostsFile", "a known_hosts file with the hosts' keys", layers);
        if (ConnectTimeoutSeconds is < 1 or > 3600)
            throw new NixDeployException(ErrorCodes.InvalidSshOption,
                $"The SSH connect timeout must be from 1 to 3600 seconds, not {ConnectTimeoutSeconds}.");
        if (ControlPersistSeconds is < 0 or > 86400)
            throw layers.Refuse(ErrorCodes.InvalidSshOption, "NixDeploySshControlPersist",
                $"NixDeploySshControlPersist must be from 0 (close each host's connection with the deploy) to 86400 seconds, not {ControlPersistSeconds}.");
        return this;
    }

    private static void Check(string? path, string property, string what, SettingLayers layers)
    {
        if (string.IsNullOrEmpty(path))
            return;
        // NIX_SSHOPTS is split on whitespace by Nix, so such a path would silently become two arguments.
        if (path.Any(char.IsWhiteSpace) || path.Contains('"') || path.Contains('\''))
            throw layers.Refuse(ErrorCodes.InvalidSshOption, property,
                $"{property} '{path}' contains whitespace or quotes, which Nix's NIX_SSHOPTS cannot carry: move the file to a path without them.");
        if (!File.Exists(path))
            throw layers.Refuse(ErrorCodes.InvalidSshOption, property,
                $"{property} '{path}' does not exist: point it at {what}.");
    }
}
