using System.Text.Json.Serialization;

namespace NixDeploy.ControlPlane;

/// <summary>Source-generated JSON for the control plane's API, with the options of every SDK file.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(DeploymentAccepted))]
[JsonSerializable(typeof(DeploymentPage))]
[JsonSerializable(typeof(DeploymentDetail))]
[JsonSerializable(typeof(MachineState))]
[JsonSerializable(typeof(IReadOnlyList<MachineState>))]
[JsonSerializable(typeof(RollbackOutcome))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenCreated))]
[JsonSerializable(typeof(IReadOnlyList<TokenInfo>))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(CacheCollection))]
[JsonSerializable(typeof(ControlPlaneProblem))]
[JsonSerializable(typeof(BuildTriggered))]
[JsonSerializable(typeof(BuildRecord))]
[JsonSerializable(typeof(BuildPage))]
[JsonSerializable(typeof(MachineTokenCreated))]
[JsonSerializable(typeof(MachineDesiredState))]
[JsonSerializable(typeof(MachineStepReport))]
[JsonSerializable(typeof(MachineConfirmation))]
public sealed partial class ControlPlaneJsonContext : JsonSerializerContext;
