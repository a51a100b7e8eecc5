using NixDeploy.Artifacts.Services;
using NixDeploy.Artifacts;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Pipeline;
using NixDeploy.Processes;
using NixDeploy.Tool.Fleet;

namespace NixDeploy.Tool.Artifacts;

/// <summary>
/// A fleet's artifacts as the SDK sees them: runs its EvaluateBlueprint target (which evaluates the artifacts output
/// too) and reads the evaluated store, blueprint and selection from the files the SDK names (NixDeployEvaluationFile,
/// NixDeployArtifactStoreFile), with the project's settings for the core.
/// </summary>
public sealed record FleetArtifacts(ArtifactStore Store, IReadOnlyList<string> Selected, ArtifactServices Services, IReadOnlyDictionary<string, MachineSpec> Blueprint)
{
    private static readonly string[] Names = ["NixDeployEvaluationFile", "NixDeployArtifactStoreFile", "NixDeployArtifactsPath", "NixDeployAgeExecutable", "NixDeployNixExecutable"];

    public static async Task<FleetArtifacts> LoadAsync(FleetProject fleet, string? on, CancellationToken cancellationToken)
    {
        var properties = await ProjectProperties.ReadAsync(fleet, Names, cancellationToken);
        var selection = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(on))
            selection["NixDeployOn"] = on;
        var outcome = await new TargetRun(fleet, "EvaluateBlueprint", selection).RunAsync(_ => { }, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (!outcome.Succeeded)
            throw new NixDeployException(outcome.Diagnostics.Where(d => d.IsError).Select(d => d.ToDiagnostic()).DefaultIfEmpty(
                new Diagnostic(ErrorCodes.TargetFailed, $"Evaluating the fleet failed (exit {outcome.ExitCode}).", fleet.Path)).ToList());

        var evaluation = EvaluationFiles.ReadEvaluation(properties.RequiredPath("NixDeployEvaluationFile"));
        var store = ArtifactIntermediateFiles.ReadStore(properties.RequiredPath("NixDeployArtifactStoreFile"));
        var runner = new ProcessRunner(NullCommandLog.Instance);
        var nix = new NixCli(runner, NixOptions.Default with { Executable = properties.Required("NixDeployNixExecutable") });
        var services = new ArtifactServices(store, properties.RequiredPath("NixDeployArtifactsPath"), runner, nix, properties.Required("NixDeployAgeExecutable"));
        return new FleetArtifacts(store, evaluation.Selected, services, evaluation.Blueprint);
    }
}
