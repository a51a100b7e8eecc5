using System.Text.Json.Serialization;

namespace NixDeploy.Artifacts;

/// <summary>Source-generated JSON for the artifact store and the queue's result (obj/), with the options of every SDK file (<see cref="Manifest.ManifestJsonContext"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ArtifactStore))]
[JsonSerializable(typeof(ArtifactQueueResult))]
internal sealed partial class ArtifactsJsonContext : JsonSerializerContext;
