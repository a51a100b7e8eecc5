using NixDeploy.Blueprint;

namespace NixDeploy.Pipeline;

/// <summary>A machine's system derivation and the closure it will produce, as evaluated (not yet built).</summary>
public sealed record Toplevel(string DrvPath, string OutPath);

/// <summary>
/// What EvaluateBlueprint found: the whole validated blueprint, which machines are selected, and the evaluated
/// toplevel of each selected machine. Saved under obj/ so later steps need no evaluation of their own.
/// </summary>
public sealed record FleetEvaluation(
    IReadOnlyDictionary<string, MachineSpec> Blueprint,
    IReadOnlyList<string> Selected,
    IReadOnlyDictionary<string, Toplevel> Toplevels);
