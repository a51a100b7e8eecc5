using Microsoft.Build.Framework;
using NixDeploy.Artifacts;
using NixDeploy.IO;
using NixDeploy.Nix;
using NixDeploy.Pipeline;

namespace NixDeploy.Tasks;

/// <summary>
/// Evaluates the flake's artifacts output beside the blueprint and validates it into <see cref="StoreFile"/>. Marks with
/// <see cref="EveryBuildMarker"/> a store whose queue must run on every build (command backends, skipped serialization).
/// </summary>
public sealed class EvaluateArtifacts : NixDeployTask
{
    [Required] public string Flake { get; set; } = "";

    [Required] public string Attribute { get; set; } = "";

    /// <summary>EvaluateBlueprint's result: artifacts may only be declared for the blueprint's machines.</summary>
    [Required] public string EvaluationFile { get; set; } = "";

    public string? NixExecutable { get; set; }

    public ITaskItem[]? OverrideInputs { get; set; }

    [Required] public string StoreFile { get; set; } = "";

    [Required] public string EveryBuildMarker { get; set; } = "";

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var evaluation = EvaluationFiles.ReadEvaluation(EvaluationFile);
        var nix = new NixCli(CreateRunner(), NixOptionsFactory.Create(NixExecutable, OverrideInputs));
        var store = await new ArtifactStoreEvaluator(nix).EvaluateAsync(new FlakeReference(Flake), Attribute, evaluation.Blueprint.Keys.ToList(), cancellationToken);
        ArtifactIntermediateFiles.WriteStore(StoreFile, store);
        if (store.NeedsQueueEveryBuild)
            AtomicFile.Touch(EveryBuildMarker);
        else if (File.Exists(EveryBuildMarker))
            File.Delete(EveryBuildMarker);
        Log.LogMessage(MessageImportance.Normal, "NixDeploy: {0} artifact(s) declared", store.Artifacts.Count);
    }
}
