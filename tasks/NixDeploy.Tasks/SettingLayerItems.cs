using Microsoft.Build.Framework;
using NixDeploy.Diagnostics;

namespace NixDeploy.Tasks;

/// <summary>The SDK's <c>_NixDeploySettingLayer</c> items (a file, its settings' hashes Before and After it) as <see cref="SettingLayers"/>.</summary>
public static class SettingLayerItems
{
    public static SettingLayers Read(string projectFile, IEnumerable<ITaskItem> items) => SettingLayers.Of(projectFile,
        items.Select(item => new SettingLayer(item.ItemSpec, item.GetMetadata("Before"), item.GetMetadata("After"))).ToList());
}
