using System.Text.Json;

namespace NixDeploy.Manifest;

/// <summary>deployment.json as text handed over whole (the control plane's request body), not read from a build's file.</summary>
public static class ManifestText
{
    /// <summary>The manifest the text holds (null for JSON <c>null</c>); throws <see cref="JsonException"/> when it is not one.</summary>
    public static DeploymentManifest? Deserialize(string json) => JsonSerializer.Deserialize(json, ManifestJsonContext.Default.DeploymentManifest);
}
