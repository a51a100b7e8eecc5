using NixDeploy.Manifest;
using NixDeploy.Nix;

namespace NixDeploy.Cache;

/// <summary>What a push uploads: the closures recorded in <c>deployment.json</c>.</summary>
public static class ManifestClosures
{
    public static IReadOnlyList<string> Read(string manifestPath) =>
        ManifestFile.ReadBuiltClosures(manifestPath).Values
            .Select(closure => StorePath.Require(closure, "A closure in deployment.json", manifestPath))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
}
