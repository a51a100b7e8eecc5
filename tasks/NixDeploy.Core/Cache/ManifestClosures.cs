using NixDeploy.Manifest;
using NixDeploy.Nix;

namespace NixDeploy.Cache;

/// <summary>
/// What a push uploads: the closures recorded in <c>deployment.json</c>, and the workloads' deliverables, which a
/// deploy from the cache substitutes like closures.
/// </summary>
public static class ManifestClosures
{
    public static IReadOnlyList<string> Read(string manifestPath)
    {
        var (closures, deliverables) = ManifestFile.ReadBuiltStorePaths(manifestPath);
        return closures.Values.Concat(deliverables)
            .Select(closure => StorePath.Require(closure, "A closure or deliverable in deployment.json", manifestPath))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
