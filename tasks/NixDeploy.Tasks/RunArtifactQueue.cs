using Microsoft.Build.Framework;
using NixDeploy.Artifacts.Services;
using NixDeploy.Artifacts;
using NixDeploy.Nix;
using NixDeploy.Pipeline;

namespace NixDeploy.Tasks;

/// <summary>
/// Runs the artifact queue for the selected machines: reuses what is stored, generates and stores what is missing
/// (or asked for by <see cref="Regenerate"/>), and records paths and hashes in <see cref="ResultFile"/>. Prompt answers
/// come only from the files and environment variables <see cref="PromptAnswers"/> name; they are read here, never
/// passed in.
/// </summary>
public sealed class RunArtifactQueue : NixDeployTask
{
    [Required] public string EvaluationFile { get; set; } = "";

    [Required] public string StoreFile { get; set; } = "";

    /// <summary>The artifacts folder in the repository.</summary>
    [Required] public string ArtifactsRoot { get; set; } = "";

    /// <summary>*, true, or a comma-separated list of ARTIFACT, MACHINE/ARTIFACT and shared/ARTIFACT.</summary>
    public string? Regenerate { get; set; }

    /// <summary>@(NixDeployArtifactPrompt): Include is MACHINE/ARTIFACT/PROMPT (or shared/..., or ARTIFACT/PROMPT), metadata File or EnvironmentVariable.</summary>
    public ITaskItem[] PromptAnswers { get; set; } = [];

    [Required] public string AgeExecutable { get; set; } = "";

    public string? NixExecutable { get; set; }

    [Required] public string ResultFile { get; set; } = "";

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var project = ProjectFile;
        var evaluation = EvaluationFiles.ReadEvaluation(EvaluationFile);
        var store = ArtifactIntermediateFiles.ReadStore(StoreFile);
        var regenerate = ArtifactSelection.Parse(Regenerate, project);
        var runner = CreateRunner();
        var services = new ArtifactServices(store, ArtifactsRoot, runner, new NixCli(runner, NixOptionsFactory.Create(NixExecutable, null)), AgeExecutable);
        var result = await services.Queue(ArtifactPromptItems.Source(PromptAnswers, project)).RunAsync(store, evaluation.Selected, regenerate, cancellationToken);
        ArtifactIntermediateFiles.WriteResult(ResultFile, result);
    }
}
