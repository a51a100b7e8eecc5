namespace NixDeploy.Workloads;

/// <summary>
/// A workload as EvaluateBlueprint found it: its declaration, the machines its targets select, and, for a build or a
/// fetch, the derivation that produces its deliverable and the store path it will be (a fixed-output path for a fetch).
/// </summary>
public sealed record EvaluatedWorkload(WorkloadSpec Spec, IReadOnlyList<string> Machines, string? DrvPath, string? OutPath);
