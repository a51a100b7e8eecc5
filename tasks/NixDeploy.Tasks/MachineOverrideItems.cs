using Microsoft.Build.Framework;
using NixDeploy.Blueprint;

namespace NixDeploy.Tasks;

/// <summary>Reads <c>NixDeployMachineOverride</c> items into <see cref="DeploymentOverride"/>s (validated when applied); a later item for a machine wins.</summary>
internal static class MachineOverrideItems
{
    public static IReadOnlyDictionary<string, DeploymentOverride> Read(ITaskItem[]? items)
    {
        var overrides = new Dictionary<string, DeploymentOverride>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
            overrides[item.ItemSpec] = new DeploymentOverride(Empty(item.GetMetadata("Addr")), Empty(item.GetMetadata("SshPort")), Empty(item.GetMetadata("SshUser")));
        return overrides;
    }

    private static string? Empty(string value) => value.Length == 0 ? null : value;
}
