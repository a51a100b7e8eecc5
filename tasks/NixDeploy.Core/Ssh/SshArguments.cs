using System.Globalization;

namespace NixDeploy.Ssh;

/// <summary>
/// Renders <see cref="SshOptions"/> for the ssh command line and for <c>NIX_SSHOPTS</c>, from one list so that
/// <c>nix copy</c> connects exactly as the deployer's own ssh calls do.
/// </summary>
public static class SshArguments
{
    /// <summary>
    /// Options for one connection to <paramref name="target"/> (without the destination). With a
    /// <paramref name="controlPath"/> (<see cref="SshControlSocket"/>), it runs over the host's shared connection,
    /// which the first call opens (ssh removes a stale socket left by one that died).
    /// </summary>
    public static IReadOnlyList<string> Options(SshOptions options, SshTarget target, string? controlPath = null)
    {
        var arguments = new List<string>
        {
            "-p", target.Port.ToString(CultureInfo.InvariantCulture),
            // Never prompt: a deploy runs unattended and a prompt would hang it.
            "-o", "BatchMode=yes",
            "-o", $"ConnectTimeout={options.ConnectTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}",
            // A host that vanishes mid-deploy is noticed within ~15 s instead of a TCP timeout.
            "-o", "ServerAliveInterval=5",
            "-o", "ServerAliveCountMax=3",
            "-o", "LogLevel=ERROR",
            "-o", options.StrictHostKeyChecking ? "StrictHostKeyChecking=yes" : "StrictHostKeyChecking=no",
        };
        if (!string.IsNullOrEmpty(options.KnownHostsFile))
            arguments.AddRange(["-o", $"UserKnownHostsFile={options.KnownHostsFile}"]);
        else if (!options.StrictHostKeyChecking)
            arguments.AddRange(["-o", "UserKnownHostsFile=/dev/null"]);
        if (!string.IsNullOrEmpty(options.IdentityFile))
            arguments.AddRange(["-i", options.IdentityFile, "-o", "IdentitiesOnly=yes"]);
        if (controlPath is not null)
            // With ControlPersist off the connection lives exactly as long as the session that opened it (the lock's).
            arguments.AddRange(["-o", $"ControlPath={controlPath}", "-o", "ControlMaster=auto", "-o",
                options.ControlPersistSeconds > 0 ? $"ControlPersist={options.ControlPersistSeconds.ToString(CultureInfo.InvariantCulture)}s" : "ControlPersist=no"]);
        return arguments;
    }

    /// <summary>
    /// The same options as one <c>NIX_SSHOPTS</c> value. Nix splits it on whitespace without any quoting, which
    /// <see cref="SshOptions.Validate"/> has ruled out for every path in it.
    /// </summary>
    public static string NixSshOpts(SshOptions options, SshTarget target, string? controlPath = null) =>
        string.Join(' ', Options(options, target, controlPath));

    /// <summary>The store URI of <c>nix copy --to</c>; the port travels in <c>NIX_SSHOPTS</c>.</summary>
    public static string NixStoreUri(SshTarget target) => $"ssh://{target.Destination}";

    /// <summary>The same host as a store that builds there (<c>nix build --store</c>): Nix's daemon protocol over SSH.</summary>
    public static string NixDaemonStoreUri(SshTarget target) => $"ssh-ng://{target.Destination}";

    /// <summary>The environment of a Nix command that reaches the host over SSH with these options.</summary>
    public static IReadOnlyDictionary<string, string?> NixSshEnvironment(SshOptions options, SshTarget target, string? controlPath = null) =>
        new Dictionary<string, string?> { ["NIX_SSHOPTS"] = NixSshOpts(options, target, controlPath) };
}
