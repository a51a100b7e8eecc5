using Microsoft.Build.Framework;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Pipeline;

namespace NixDeploy.Tasks;

/// <summary>Evaluates and validates the flake's blueprint and the selected machines' toplevels into <see cref="EvaluationFile"/>.</summary>
public sealed class EvaluateBlueprint : NixDeployTask
{
    [Required] public string Flake { get; set; } = "";

    [Required] public string Attribute { get; set; } = "";

    public string? Selection { get; set; }

    public string? NixExecutable { get; set; }

    public ITaskItem[]? OverrideInputs { get; set; }

    /// <summary>NixDeployMachineOverride items: Addr, SshPort and SshUser metadata over the blueprint's deployment.</summary>
    public ITaskItem[]? MachineOverrides { get; set; }

    [Required] public string EvaluationFile { get; set; } = "";

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var nix = new NixCli(CreateRunner(), NixOptionsFactory.Create(NixExecutable, OverrideInputs));
        var evaluation = await new BlueprintEvaluator(nix).EvaluateAsync(new FlakeReference(Flake), Attribute, Selection,
            MachineOverrideItems.Read(MachineOverrides), ProjectFile, cancellationToken);
        EvaluationFiles.WriteEvaluation(EvaluationFile, evaluation);
        if (evaluation.Blueprint.Count == 0)
            Log.LogWarning(null, ErrorCodes.BlueprintEmpty, null, new FlakeReference(Flake).FlakeFile, 0, 0, 0, 0,
                "The blueprint declares no machines, so there is nothing to build or deploy. Add machines to '{0}'.", Attribute);
        Log.LogMessage(MessageImportance.High, "NixDeploy: blueprint has {0} machine(s); selected: {1}", evaluation.Blueprint.Count, string.Join(", ", evaluation.Selected));
    }
}
