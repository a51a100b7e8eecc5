using Microsoft.Build.Framework;
using NixDeploy.Cache;

namespace NixDeploy.Tasks;

/// <summary>Reads <c>NixDeployCache</c> items into validated cache definitions (shared by PushCache and GenerateDeploymentManifest).</summary>
internal static class PushCacheItems
{
    public static IReadOnlyList<CacheDefinition> Parse(ITaskItem[]? items, string? projectFile) =>
        CacheDefinitionParser.ParseAll((items ?? []).Select(item => (item.ItemSpec, (Func<string, string?>)item.GetMetadata)), projectFile);
}
