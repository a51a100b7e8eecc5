using System.Text.Json.Serialization;
using NixDeploy.ControlPlane;
using NixDeploy.Deploy;

namespace NixDeploy.Server.Store;

/// <summary>Source-generated JSON for the lists the store keeps in a column, with the options of every SDK file.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(IReadOnlyList<StepDuration>))]
[JsonSerializable(typeof(IReadOnlyList<RolloutStep>))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
