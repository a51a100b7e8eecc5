using System.Text.Json.Serialization;

namespace NixDeploy.Cache;

/// <summary>Source-generated JSON for push-report.json, with the options of every SDK file (<see cref="Manifest.ManifestJsonContext"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(PushReport))]
internal sealed partial class CacheJsonContext : JsonSerializerContext;
