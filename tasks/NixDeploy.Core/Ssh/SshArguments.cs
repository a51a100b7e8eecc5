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
    /// <paramref name="controlPath"/>, the connection is the master (<paramref name="master"/>) or reuses it, and
    /// opens its own when the master is gone.
    /// </summary>
    public static IReadOnlyList<string> Options(SshOptions options, SshTarget target, string? controlPath = null, bool master = false)
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
            // ControlPersist stays off: the master lives exactly as long as the session that opened it.
            arguments.AddRange(["-o", $"ControlPath={controlPath}", "-o", master ? "ControlMaster=yes" : "ControlMaster=no"]);
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
}
