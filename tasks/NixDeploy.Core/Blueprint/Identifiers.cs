using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace NixDeploy.Blueprint;

/// <summary>
/// What a machine name, address and SSH user may look like. Anything a shell, SSH (<c>-oProxyCommand</c>) or a
/// Nix attribute path would interpret is refused before any command is built. Every pattern is anchored with
/// <c>\A...\z</c>: <c>$</c> would also match before a trailing newline.
/// </summary>
public static partial class Identifiers
{
    // A Nix attribute name that needs no quoting in an installable, and a valid hostname label.
    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9_-]{0,62}\z")]
    private static partial Regex MachineNamePattern();

    [GeneratedRegex(@"\A(?=.{1,253}\z)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\z")]
    private static partial Regex HostNamePattern();

    // An IPv6 address's characters, and a zone id (fe80::1%eth0) only of characters no shell or ssh interprets.
    // IPAddress.TryParse alone accepts any text after '%', and brackets with a port.
    [GeneratedRegex(@"\A(?<address>[0-9A-Fa-f:.]+)(%[A-Za-z0-9_.-]+)?\z")]
    private static partial Regex Ipv6Pattern();

    [GeneratedRegex(@"\A[a-z_][a-z0-9_-]{0,31}\z")]
    private static partial Regex UserPattern();

    public static bool IsMachineName(string name) => MachineNamePattern().IsMatch(name);

    /// <summary>A DNS hostname, an IPv4 address, or an IPv6 address with an optional safe zone id; no brackets, port or whitespace.</summary>
    public static bool IsAddress(string address) =>
        HostNamePattern().IsMatch(address)
        || (Ipv6Pattern().Match(address) is { Success: true } ipv6 && ipv6.Groups["address"].Value.Contains(':')
            && IPAddress.TryParse(ipv6.Groups["address"].Value, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6);

    public static bool IsUser(string user) => UserPattern().IsMatch(user);

    public static bool IsPort(long port) => port is >= 1 and <= 65535;

    /// <summary>A refused value as errors show it: quoted, with line breaks and other control characters escaped.</summary>
    public static string Show(string value) =>
        "'" + string.Concat(value.Select(c => c switch
        {
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            _ when char.IsControl(c) => $"\\u{(int)c:x4}",
            _ => c.ToString(),
        })) + "'";
}
