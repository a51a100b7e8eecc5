using System.Text.Json.Serialization;

namespace NixDeploy.Pipeline;

/// <summary>Source-generated JSON for the evaluation and closures files (obj/), with the options of every SDK file (see Manifest/ManifestJsonContext.cs).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(FleetEvaluation))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext;
