using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.Json;
using NixDeploy.Manifest;

namespace NixDeploy.Live;

/// <summary>The last built <c>deployment.json</c>, read for what a fleet should run and how to reach its machines.</summary>
public static class FleetManifest
{
    public static DeploymentManifest Read(string path)
    {
        if (!File.Exists(path))
            throw new NixDeployException(ErrorCodes.ManifestNotBuilt,
                $"{path} does not exist: build the fleet first ('dotnet nixdeploy build').", path);
        DeploymentManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllText(path), NixDeployJsonContext.Default.DeploymentManifest);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, e.Message);
        }
        return manifest is { Blueprint: not null, Closures: not null } ? manifest : throw Unreadable(path, "it has no blueprint or no closures");
    }

    private static NixDeployException Unreadable(string path, string why) => new(ErrorCodes.DeploymentManifestUnreadable,
        $"The deployment manifest '{path}' cannot be read ({why}). Build the fleet again ('dotnet nixdeploy build').", path);
}
