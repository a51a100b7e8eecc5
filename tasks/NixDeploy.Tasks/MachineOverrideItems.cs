using System.Globalization;
using Microsoft.Build.Framework;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;

namespace NixDeploy.Tasks;

/// <summary>Reads <c>NixDeployMachineOverride</c> items into <see cref="DeploymentOverride"/>s; a later item for a machine wins.</summary>
internal static class MachineOverrideItems
{
    public static IReadOnlyDictionary<string, DeploymentOverride> Read(ITaskItem[]? items, string? project)
    {
        var overrides = new Dictionary<string, DeploymentOverride>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
        {
            var port = item.GetMetadata("SshPort");
            int? parsedPort = null;
            if (port.Length > 0)
                parsedPort = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number
                    : throw new NixDeployException(ErrorCodes.InvalidValue,
                        $"NixDeployMachineOverride '{item.ItemSpec}' SshPort '{port}' is not a number: use a port from 1 to 65535.", project);
            overrides[item.ItemSpec] = new DeploymentOverride(Empty(item.GetMetadata("Addr")), parsedPort, Empty(item.GetMetadata("SshUser")));
        }
        return overrides;
    }

    private static string? Empty(string value) => value.Length == 0 ? null : value;
}
