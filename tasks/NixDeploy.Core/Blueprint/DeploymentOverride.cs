using NixDeploy.Diagnostics;

namespace NixDeploy.Blueprint;

/// <summary>
/// How to reach one machine, set in MSBuild (a <c>NixDeployMachineOverride</c> item's metadata) over what the blueprint
/// says: the project's configuration layers (Directory.Build.props, the project, fleet.nixdeploy.user) can point a
/// fleet at other hosts (test hosts, a bastion's port) without touching the flake. Empty fields keep the blueprint's.
/// The values are kept as written (metadata is text) and validated in <see cref="Apply"/>.
/// </summary>
public sealed record DeploymentOverride(string? Addr, string? SshPort, string? SshUser)
{
    /// <summary>
    /// The blueprint with every override applied, each validated like the blueprint's own values; each machine's
    /// privilege escalation is settled for the user it ends up with (the default follows the user), so deployment.json
    /// names it.
    /// </summary>
    public static IReadOnlyDictionary<string, MachineSpec> Apply(
        IReadOnlyDictionary<string, MachineSpec> blueprint, IReadOnlyDictionary<string, DeploymentOverride> overrides, string? file)
    {
        foreach (var machine in overrides.Keys.Where(machine => !blueprint.ContainsKey(machine)))
            throw new NixDeployException(ErrorCodes.InvalidValue,
                $"NixDeployMachineOverride '{machine}' names no machine of the blueprint ({string.Join(", ", blueprint.Keys)}): fix its Include or remove it.", file);
        var result = new SortedDictionary<string, MachineSpec>(StringComparer.Ordinal);
        foreach (var (machine, spec) in blueprint)
        {
            var deployment = overrides.TryGetValue(machine, out var change) ? change.ApplyTo(machine, spec.Deployment, file) : spec.Deployment;
            result[machine] = spec with { Deployment = deployment with { PrivilegeEscalation = deployment.Escalation } };
        }
        return result;
    }

    private DeploymentSpec ApplyTo(string machine, DeploymentSpec deployment, string? file)
    {
        SshEndpointValidator.Require(SshEndpointValidator.Fields.Override(machine), Addr, SshUser, SshPort, file);
        return deployment with
        {
            Addr = Addr ?? deployment.Addr,
            SshPort = SshPort is { } port ? SshEndpointValidator.ParsePort(port)!.Value : deployment.SshPort,
            SshUser = SshUser ?? deployment.SshUser,
        };
    }
}
