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

    /// <summary>$(NixDeployWorkloadsAttribute): the flake's workloads output, optional in the flake.</summary>
    public string? WorkloadsAttribute { get; set; }

    public string? NixExecutable { get; set; }

    public ITaskItem[]? OverrideInputs { get; set; }

    /// <summary>NixDeployMachineOverride items: Addr, SshPort and SshUser metadata over the blueprint's deployment.</summary>
    public ITaskItem[]? MachineOverrides { get; set; }

    [Required] public string EvaluationFile { get; set; } = "";

    /// <summary>deployment.json: an empty blueprint must not replace one that has machines.</summary>
    [Required] public string ManifestFile { get; set; } = "";

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var nix = new NixCli(CreateRunner(), NixOptionsFactory.Create(NixExecutable, OverrideInputs));
        var evaluation = await new BlueprintEvaluator(nix).EvaluateAsync(new FlakeReference(Flake), Attribute, Selection,
            MachineOverrideItems.Read(MachineOverrides), ProjectFile, cancellationToken, string.IsNullOrWhiteSpace(WorkloadsAttribute) ? null : WorkloadsAttribute);
        if (evaluation.Blueprint.Count == 0)
            RequireNoFleetToReplace();
        EvaluationFiles.WriteEvaluation(EvaluationFile, evaluation);
        if (evaluation.Blueprint.Count == 0)
            Log.LogWarning(null, ErrorCodes.BlueprintEmpty, null, new FlakeReference(Flake).FlakeFile, 0, 0, 0, 0,
                "The blueprint declares no machines, so there is nothing to build or deploy. Add machines to '{0}'.", Attribute);
        Log.LogMessage(MessageImportance.High, "NixDeploy: blueprint has {0} machine(s); selected: {1}", evaluation.Blueprint.Count, string.Join(", ", evaluation.Selected));
    }

    // A fresh fleet may start empty, but a blueprint that lost every machine (an import gone wrong) must not turn
    // the last good deployment.json into an empty one.
    private void RequireNoFleetToReplace()
    {
        var machines = NixDeploy.Manifest.ManifestFile.MachinesIn(ManifestFile);
        if (machines.Count > 0)
            throw new NixDeployException(ErrorCodes.BlueprintEmptiedFleet,
                $"The blueprint '{Attribute}' declares no machines, but {ManifestFile} holds {machines.Count} ({string.Join(", ", machines.Order(StringComparer.Ordinal))}); "
                + "it is kept. Check that the blueprint still lists the fleet (an import or filter that now yields nothing). "
                + "To retire the whole fleet on purpose, run 'dotnet build -t:Clean' (or delete deployment.json) first.",
                new FlakeReference(Flake).FlakeFile ?? ProjectFile);
    }
}
