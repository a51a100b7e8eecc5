using System.Text.Json.Serialization;

namespace NixDeploy.Deploy;

/// <summary>Source-generated JSON for deploy-report.json, with the options of every SDK file (<see cref="Manifest.ManifestJsonContext"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(DeployReport))]
internal sealed partial class DeployJsonContext : JsonSerializerContext;
