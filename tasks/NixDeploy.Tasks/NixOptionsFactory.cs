using Microsoft.Build.Framework;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;

namespace NixDeploy.Tasks;

/// <summary>Builds <see cref="NixOptions"/> from the NixDeployNixExecutable property and NixDeployOverrideInput items.</summary>
internal static class NixOptionsFactory
{
    public static NixOptions Create(string? executable, ITaskItem[]? overrideInputs)
    {
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in overrideInputs ?? [])
        {
            var url = item.GetMetadata("Url");
            if (url.Length == 0)
                throw new NixDeployException(ErrorCodes.InvalidValue,
                    $"NixDeployOverrideInput '{item.ItemSpec}' has no Url metadata: write <NixDeployOverrideInput Include=\"{item.ItemSpec}\" Url=\"path:...\" />.");
            overrides[item.ItemSpec] = url;
        }
        return new NixOptions(string.IsNullOrWhiteSpace(executable) ? NixOptions.Default.Executable : executable, overrides);
    }
}
