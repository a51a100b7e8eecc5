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
    /// <summary>The blueprint with every override applied, each validated like the blueprint's own values.</summary>
    public static IReadOnlyDictionary<string, MachineSpec> Apply(
        IReadOnlyDictionary<string, MachineSpec> blueprint, IReadOnlyDictionary<string, DeploymentOverride> overrides, string? file)
    {
        if (overrides.Count == 0)
            return blueprint;
        var result = new SortedDictionary<string, MachineSpec>(blueprint.ToDictionary(), StringComparer.Ordinal);
        foreach (var (machine, change) in overrides)
        {
            if (!blueprint.TryGetValue(machine, out var spec))
                throw new NixDeployException(ErrorCodes.InvalidValue,
                    $"NixDeployMachineOverride '{machine}' names no machine of the blueprint ({string.Join(", ", blueprint.Keys)}): fix its Include or remove it.", file);
            SshEndpointValidator.Require(SshEndpointValidator.Fields.Override(machine), change.Addr, change.SshUser, change.SshPort, file);
            result[machine] = spec with
            {
                Deployment = spec.Deployment with
                {
                    Addr = change.Addr ?? spec.Deployment.Addr,
                    SshPort = change.SshPort is { } port ? SshEndpointValidator.ParsePort(port)!.Value : spec.Deployment.SshPort,
                    SshUser = change.SshUser ?? spec.Deployment.SshUser,
                },
            };
        }
        return result;
    }
}
