using System.Text.Json.Serialization;

namespace NixDeploy.Manifest;

/// <summary>
/// Source-generated JSON for deployment.json: camelCase, stable, no reflection. Each layer owns the context of its own files;
/// every one uses these same options, so the SDK's files keep one shape.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(DeploymentManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
