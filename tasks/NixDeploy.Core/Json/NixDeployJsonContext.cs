using System.Text.Json.Serialization;
using NixDeploy.Manifest;
using NixDeploy.Pipeline;

namespace NixDeploy.Json;

/// <summary>Source-generated JSON for every file the SDK reads or writes: camelCase, stable, no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(DeploymentManifest))]
[JsonSerializable(typeof(FleetEvaluation))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
internal sealed partial class NixDeployJsonContext : JsonSerializerContext;
