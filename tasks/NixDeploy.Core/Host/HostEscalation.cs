using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Ssh;

namespace NixDeploy.Host;

/// <summary>
/// How a host command runs as root when the machine's SSH user is not root (blueprint
/// <c>deployment.privilegeEscalation</c>): behind <c>sudo -n --</c> or <c>doas -n --</c>, which fail instead of asking
/// for a password. Every host step that needs root gets its argument list here: the host programs
/// (<see cref="HostProgram.Command"/>), so the lock, the watchdog they start, placement and live state too, and the
/// host's own Nix commands.
/// </summary>
internal static class HostEscalation
{
    /// <summary><paramref name="words"/> as run as root on <paramref name="target"/>: unchanged without an escalation.</summary>
    public static string[] AsRoot(SshTarget target, IReadOnlyList<string> words) =>
        Tool(target) is { } tool ? [tool, "-n", "--", .. words] : [.. words];

    /// <summary>The escalation's program (sudo, doas), or null when the user runs the steps itself.</summary>
    public static string? Tool(SshTarget target) => target.Escalation switch
    {
        PrivilegeEscalation.Sudo => "sudo",
        PrivilegeEscalation.Doas => "doas",
        _ => null,
    };

    /// <summary>The error for a host that refused the escalation (<see cref="HostProtocol.Exit.EscalationRefused"/>), which changed nothing.</summary>
    public static NixDeployException Refused(SshTarget target, string why)
    {
        var tool = Tool(target) ?? "sudo";
        return new NixDeployException(ErrorCodes.PrivilegeEscalationRefused,
            $"{target}: {target.User} may not run the host steps as root: '{tool} -n true' failed ({why.Trim()}). Nothing was changed on it. "
            + $"Let {target.User} run commands as root with {tool} and no password on the host (NixOS: {NixOsRule(tool, target.User)}), "
            + "or set the machine's deployment.privilegeEscalation to what the host allows.");
    }

    private static string NixOsRule(string tool, string user) => tool == "doas"
        ? $"security.doas.extraRules = [ {{ users = [ \"{user}\" ]; noPass = true; }} ]"
        : $"security.sudo.extraRules = [ {{ users = [ \"{user}\" ]; commands = [ {{ command = \"ALL\"; options = [ \"NOPASSWD\" ]; }} ]; }} ]";
}
