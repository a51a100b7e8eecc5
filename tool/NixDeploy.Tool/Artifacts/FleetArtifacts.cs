using NixDeploy.Artifacts;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Pipeline;
using NixDeploy.Processes;
using NixDeploy.Tool.Fleet;

namespace NixDeploy.Tool.Artifacts;

/// <summary>
/// A fleet's artifacts as the SDK sees them: runs its EvaluateBlueprint target (which evaluates the artifacts output
/// too) and reads the evaluated store and selection from obj/, with the project's settings for the core.
/// </summary>
public sealed record FleetArtifacts(ArtifactStore Store, IReadOnlyList<string> Selected, ArtifactServices Services)
{
    private static readonly string[] Names = ["NixDeployIntermediatePath", "NixDeployArtifactsPath", "NixDeployAgeExecutable", "NixDeployNixExecutable"];

    public static async Task<FleetArtifacts> LoadAsync(FleetProject fleet, string? on, CancellationToken cancellationToken)
    {
        var values = await ProjectProperties.ReadAsync(fleet, Names, cancellationToken);
        string? Value(string name) => values.GetValueOrDefault(name) is { Length: > 0 } value ? value : null;
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(on))
            properties["NixDeployOn"] = on;
        var outcome = await new TargetRun(fleet, "EvaluateBlueprint", properties).RunAsync(_ => { }, cancellationToken);
        if (!outcome.Succeeded)
            throw new NixDeployException(outcome.Diagnostics.Where(d => d.IsError).Select(d => d.ToDiagnostic()).DefaultIfEmpty(
                new Diagnostic(ErrorCodes.TargetFailed, $"Evaluating the fleet failed (exit {outcome.ExitCode}).", fleet.Path)).ToList());

        var intermediate = fleet.Resolve(Value("NixDeployIntermediatePath")) ?? Path.Combine(fleet.Directory, "obj", "nixdeploy");
        var evaluation = EvaluationFiles.ReadEvaluation(Path.Combine(intermediate, "evaluation.json"));
        var store = ArtifactIntermediateFiles.ReadStore(Path.Combine(intermediate, "artifact-store.json"));
        var runner = new ProcessRunner(NullCommandLog.Instance);
        var nix = new NixCli(runner, NixOptions.Default with { Executable = Value("NixDeployNixExecutable") ?? NixOptions.Default.Executable });
        var services = new ArtifactServices(store, fleet.Resolve(Value("NixDeployArtifactsPath")) ?? Path.Combine(fleet.Directory, "artifacts"),
            runner, nix, Value("NixDeployAgeExecutable") ?? "age");
        return new FleetArtifacts(store, evaluation.Selected, services);
    }
}
