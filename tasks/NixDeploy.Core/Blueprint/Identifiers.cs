using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace NixDeploy.Blueprint;

/// <summary>
/// What a machine name, address and SSH user may look like. Anything a shell, SSH (<c>-oProxyCommand</c>) or a
/// Nix attribute path would interpret is refused before any command is built.
/// </summary>
public static partial class Identifiers
{
    // A Nix attribute name that needs no quoting in an installable, and a valid hostname label.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")]
    private static partial Regex MachineNamePattern();

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostNamePattern();

    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")]
    private static partial Regex UserPattern();

    public static bool IsMachineName(string name) => MachineNamePattern().IsMatch(name);

    public static bool IsAddress(string address) =>
        HostNamePattern().IsMatch(address)
        || (address.Contains(':') && IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6);

    public static bool IsUser(string user) => UserPattern().IsMatch(user);

    public static bool IsPort(long port) => port is >= 1 and <= 65535;
}
