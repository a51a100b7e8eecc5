using System.Text.Json.Serialization;

namespace NixDeploy.Progress;

/// <summary>Source-generated JSON for the progress file, with the options of every SDK file (see Manifest/ManifestJsonContext.cs).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProgressEvent))]
internal sealed partial class ProgressJsonContext : JsonSerializerContext
{
    /// <summary>The same contracts on one line each: the progress file is JSON lines.</summary>
    public static ProgressJsonContext Compact { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}
