using System.Text.Json.Serialization;

namespace NixDeploy.Tool.Json;

/// <summary>Source-generated JSON for what the tool prints with --json: camelCase, indented, nulls kept (scripts test for them).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(FailureDocument))]
[JsonSerializable(typeof(EvalDocument))]
[JsonSerializable(typeof(IReadOnlyList<MachineStatusDocument>))]
[JsonSerializable(typeof(IReadOnlyList<MachinePlanDocument>))]
[JsonSerializable(typeof(IReadOnlyList<MachineRollbackDocument>))]
[JsonSerializable(typeof(IReadOnlyList<MachineExecDocument>))]
[JsonSerializable(typeof(BuildLogDocument))]
internal sealed partial class ToolJsonContext : JsonSerializerContext;
