using System.Text.Json.Serialization;
using NixDeploy.Artifacts;
using NixDeploy.Cache;
using NixDeploy.Deploy;
using NixDeploy.Manifest;
using NixDeploy.Pipeline;
using NixDeploy.Progress;

namespace NixDeploy.Json;

/// <summary>Source-generated JSON for every file the SDK reads or writes: camelCase, stable, no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(DeploymentManifest))]
[JsonSerializable(typeof(ArtifactStore))]
[JsonSerializable(typeof(ArtifactQueueResult))]
[JsonSerializable(typeof(DeployReport))]
[JsonSerializable(typeof(PushReport))]
[JsonSerializable(typeof(FleetEvaluation))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(ProgressEvent))]
internal sealed partial class NixDeployJsonContext : JsonSerializerContext
{
    /// <summary>The same contracts on one line each: the progress file is JSON lines.</summary>
    public static NixDeployJsonContext Compact { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}
