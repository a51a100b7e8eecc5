using System.Text.Json.Serialization;
using NixDeploy.Blueprint;
using NixDeploy.Workloads;

namespace NixDeploy.Pipeline;

/// <summary>A machine's system derivation and the closure it will produce, as evaluated (not yet built).</summary>
public sealed record Toplevel(string DrvPath, string OutPath);

/// <summary>
/// What EvaluateBlueprint found: the whole validated blueprint, which machines are selected, and the evaluated
/// toplevel of each selected machine, and the workloads with their deliverables' derivations. Saved under obj/ so later
/// steps need no evaluation of their own.
/// </summary>
public sealed record FleetEvaluation(
    IReadOnlyDictionary<string, MachineSpec> Blueprint,
    IReadOnlyList<string> Selected,
    IReadOnlyDictionary<string, Toplevel> Toplevels,
    IReadOnlyDictionary<string, EvaluatedWorkload>? Workloads = null)
{
    /// <summary>The workloads that run on at least one selected machine: their deliverables are this build's.</summary>
    [JsonIgnore]
    public IEnumerable<KeyValuePair<string, EvaluatedWorkload>> SelectedWorkloads =>
        (Workloads ?? new Dictionary<string, EvaluatedWorkload>()).Where(workload => workload.Value.Machines.Any(Selected.Contains));
}
