using System.Globalization;
using NixDeploy.Diagnostics;

namespace NixDeploy.Blueprint;

/// <summary>
/// The one check of how a machine is reached (address, SSH user, port), wherever the values come from: the blueprint's
/// deployment, a <c>NixDeployMachineOverride</c>, or a deploy's target. Each problem is a coded error naming the field.
/// </summary>
public static class SshEndpointValidator
{
    /// <summary>How errors name the three fields, as the user wrote them.</summary>
    public sealed record Fields(string Address, string User, string Port)
    {
        public static Fields Blueprint(string machine) =>
            new($"{machine}.deployment.addr", $"{machine}.deployment.sshUser", $"{machine}.deployment.sshPort");

        public static Fields Override(string machine) =>
            new($"NixDeployMachineOverride '{machine}' Addr", $"NixDeployMachineOverride '{machine}' SshUser", $"NixDeployMachineOverride '{machine}' SshPort");
    }

    /// <summary>
    /// The problems of the values that are set (null: not set). The port is checked as written, so that a port that
    /// is not a number is reported the same way as one out of range.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Check(Fields fields, string? address, string? user, string? port, string? file)
    {
        var errors = new List<Diagnostic>();
        if (address is not null && !Identifiers.IsAddress(address))
            errors.Add(new Diagnostic(ErrorCodes.UnsafeAddress,
                $"{fields.Address} {Identifiers.Show(address)} is not a hostname or IP address: use a DNS name (letters, digits, '.', '-'), an IPv4 address, or an IPv6 address (a zone id only of letters, digits, '_', '.', '-'), without brackets, port or whitespace.", file));
        if (user is not null && !Identifiers.IsUser(user))
            errors.Add(new Diagnostic(ErrorCodes.UnsafeUser,
                $"{fields.User} {Identifiers.Show(user)} is not a valid user name: use lower-case letters, digits, '_' and '-' (at most 32, starting with a letter or '_').", file));
        if (port is not null && ParsePort(port) is null)
            errors.Add(new Diagnostic(ErrorCodes.InvalidValue,
                $"{fields.Port} {Identifiers.Show(port)} is not a port: use a whole number from 1 to 65535.", file));
        return errors;
    }

    /// <summary>Throws every problem <see cref="Check"/> finds, at once.</summary>
    public static void Require(Fields fields, string? address, string? user, string? port, string? file)
    {
        if (Check(fields, address, user, port, file) is { Count: > 0 } errors)
            throw new NixDeployException(errors);
    }

    /// <summary>The port as a number, or null when the text is not one from 1 to 65535.</summary>
    public static int? ParsePort(string port) =>
        int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && Identifiers.IsPort(number) ? number : null;
}
