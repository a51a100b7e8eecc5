using System.Globalization;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;

namespace NixDeploy.Ssh;

/// <summary>One host to reach: <c>user@address</c> on a port, validated before any connection is made.</summary>
public sealed record SshTarget
{
    private SshTarget(string user, string address, int port)
    {
        User = user;
        Address = address;
        Port = port;
    }

    public string User { get; }

    public string Address { get; }

    public int Port { get; }

    public string Destination => $"{User}@{Address}";

    /// <summary>The target from a blueprint's deployment section; refuses anything ssh or a shell would interpret.</summary>
    public static SshTarget From(string machine, DeploymentSpec deployment, string? file)
    {
        if (!Identifiers.IsAddress(deployment.Addr))
            throw new NixDeployException(ErrorCodes.UnsafeAddress,
                $"{machine}.deployment.addr '{deployment.Addr}' is not a hostname or IP address: use letters, digits, '.', '-' (or an IPv6 address).", file);
        if (!Identifiers.IsUser(deployment.SshUser))
            throw new NixDeployException(ErrorCodes.UnsafeUser,
                $"{machine}.deployment.sshUser '{deployment.SshUser}' is not a valid user name: use lower-case letters, digits, '_' and '-'.", file);
        if (!Identifiers.IsPort(deployment.SshPort))
            throw new NixDeployException(ErrorCodes.InvalidValue,
                $"{machine}.deployment.sshPort {deployment.SshPort} is not a port: use a number from 1 to 65535.", file);
        return new SshTarget(deployment.SshUser, deployment.Addr, deployment.SshPort);
    }

    public override string ToString() =>
        Port == 22 ? Destination : $"{Destination}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
