using System.Globalization;
using NixDeploy.Blueprint;

namespace NixDeploy.Ssh;

/// <summary>
/// One host to reach: <c>user@address</c> on a port, validated before any connection is made, and how that user runs
/// the host steps that need root.
/// </summary>
public sealed record SshTarget
{
    private SshTarget(string user, string address, int port, PrivilegeEscalation escalation)
    {
        User = user;
        Address = address;
        Port = port;
        Escalation = escalation;
    }

    public string User { get; }

    public PrivilegeEscalation Escalation { get; }

    public string Address { get; }

    public int Port { get; }

    public string Destination => $"{User}@{Address}";

    /// <summary>The target from a blueprint's deployment section; refuses anything ssh or a shell would interpret.</summary>
    public static SshTarget From(string machine, DeploymentSpec deployment, string? file)
    {
        SshEndpointValidator.Require(SshEndpointValidator.Fields.Blueprint(machine), deployment.Addr, deployment.SshUser,
            deployment.SshPort.ToString(CultureInfo.InvariantCulture), file);
        return new SshTarget(deployment.SshUser, deployment.Addr, deployment.SshPort, deployment.Escalation);
    }

    public override string ToString() =>
        Port == 22 ? Destination : $"{Destination}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
