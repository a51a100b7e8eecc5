using NixDeploy.Diagnostics;

namespace NixDeploy.Blueprint;

/// <summary>
/// How to reach one machine, set in MSBuild (a <c>NixDeployMachineOverride</c> item's metadata) over what the blueprint
/// says: the project's configuration layers (Directory.Build.props, the project, fleet.nixdeploy.user) can point a
/// fleet at other hosts (test hosts, a bastion's port) without touching the flake. Empty fields keep the blueprint's.
/// </summary>
public sealed record DeploymentOverride(string? Addr, int? SshPort, string? SshUser)
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
            if (change.Addr is { } addr && !Identifiers.IsAddress(addr))
                throw new NixDeployException(ErrorCodes.UnsafeAddress,
                    $"NixDeployMachineOverride '{machine}' Addr '{addr}' is not a hostname or IP address: use letters, digits, '.', '-' (or an IPv6 address).", file);
            if (change.SshUser is { } user && !Identifiers.IsUser(user))
                throw new NixDeployException(ErrorCodes.UnsafeUser,
                    $"NixDeployMachineOverride '{machine}' SshUser '{user}' is not a valid user name: use lower-case letters, digits, '_' and '-'.", file);
            if (change.SshPort is { } port && !Identifiers.IsPort(port))
                throw new NixDeployException(ErrorCodes.InvalidValue,
                    $"NixDeployMachineOverride '{machine}' SshPort {port} is not a port: use a number from 1 to 65535.", file);
            result[machine] = spec with
            {
                Deployment = spec.Deployment with
                {
                    Addr = change.Addr ?? spec.Deployment.Addr,
                    SshPort = change.SshPort ?? spec.Deployment.SshPort,
                    SshUser = change.SshUser ?? spec.Deployment.SshUser,
                },
            };
        }
        return result;
    }
}
