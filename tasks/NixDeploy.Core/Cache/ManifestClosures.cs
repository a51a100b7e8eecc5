using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.Json;
using NixDeploy.Nix;

namespace NixDeploy.Cache;

/// <summary>What a push uploads: the closures recorded in <c>deployment.json</c>.</summary>
public static class ManifestClosures
{
    public static IReadOnlyList<string> Read(string manifestPath)
    {
        Manifest.DeploymentManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllText(manifestPath), NixDeployJsonContext.Default.DeploymentManifest);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new NixDeployException(ErrorCodes.IntermediateFileUnreadable,
                $"The deployment manifest '{manifestPath}' cannot be read ({e.Message}). Run 'dotnet build' (GenerateArtifacts) to write it, then push.", manifestPath);
        }
        return (manifest?.Closures?.Values ?? [])
            .Select(closure => StorePath.Require(closure, "A closure in deployment.json", manifestPath))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
