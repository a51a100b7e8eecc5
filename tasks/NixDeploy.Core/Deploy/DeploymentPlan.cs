using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.Json;
using NixDeploy.Manifest;

namespace NixDeploy.Deploy;

/// <summary>Reads what to deploy from <c>deployment.json</c>: the selected machines' blueprint entries and closures.</summary>
public static class DeploymentPlan
{
    public static IReadOnlyList<MachinePlan> Read(string manifestPath, IReadOnlyList<string> machines)
    {
        DeploymentManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllText(manifestPath), NixDeployJsonContext.Default.DeploymentManifest);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw Unreadable(manifestPath, e.Message);
        }
        if (manifest?.Blueprint is null || manifest.Closures is null)
            throw Unreadable(manifestPath, "it has no blueprint or no closures");
        return machines.Select(name => manifest.Blueprint.TryGetValue(name, out var spec)
                ? new MachinePlan(name, spec.Deployment, manifest.Closures.GetValueOrDefault(name))
                : throw new NixDeployException(ErrorCodes.DeploymentManifestUnreadable,
                    $"Machine '{name}' is not in {manifestPath}: run the build again so that deployment.json matches the selection.", manifestPath))
            .ToList();
    }

    private static NixDeployException Unreadable(string path, string why) => new(ErrorCodes.DeploymentManifestUnreadable,
        $"The deployment manifest '{path}' cannot be read ({why}). Run 'dotnet build' (GenerateArtifacts) to write it, then deploy.", path);
}
