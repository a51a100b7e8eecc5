using Microsoft.Build.Framework;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Pipeline;
using NixDeploy.Progress;
using NixDeploy.Workloads;

namespace NixDeploy.Tasks;

/// <summary>Builds every selected machine's closure in one Nix call and records them in <see cref="ClosuresFile"/>.</summary>
public sealed class BuildClosures : NixDeployTask
{
    [Required] public string EvaluationFile { get; set; } = "";

    /// <summary>The flake, named in errors as the file to fix.</summary>
    [Required] public string Flake { get; set; } = "";

    [Required] public string ClosuresFile { get; set; } = "";

    /// <summary>The folder of the closures' GC roots (obj/), replaced by each build and deleted by Clean.</summary>
    [Required] public string RootDirectory { get; set; } = "";

    public bool KeepGoing { get; set; }

    public string? NixExecutable { get; set; }

    /// <summary>$(NixDeployBuildOn): local (empty), target or builders; the core holds the default.</summary>
    public string? BuildOn { get; set; }

    /// <summary>$(NixDeployBuilders): Nix's own <c>builders</c> value, for NixDeployBuildOn=builders.</summary>
    public string? Builders { get; set; }

    // With NixDeployBuildOn=target the build reaches every host as Deploy does, with the same settings.
    public string? SshIdentityFile { get; set; }

    public string? SshKnownHostsFile { get; set; }

    public string? StrictHostKeyChecking { get; set; }

    public string? Parallelism { get; set; }

    /// <summary>NixDeployProgressFile: each machine is reported building, and failed when its build failed.</summary>
    public string? ProgressFile { get; set; }

    /// <summary>True when every selected machine's closure was built.</summary>
    [Output] public bool AllBuilt { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var evaluation = EvaluationFiles.ReadEvaluation(EvaluationFile);
        var nix = new NixCli(CreateRunner(), NixOptionsFactory.Create(NixExecutable, null));
        var progress = new ProgressWriter(ProgressFile);
        foreach (var machine in evaluation.Toplevels.Keys)
            progress.Step(machine, "build");
        var build = ClosureBuildSettings.Parse(BuildOn, Builders, ProjectFile);
        var flakeFile = new FlakeReference(Flake).FlakeFile;
        evaluation = await BuildCommandsAsync(evaluation, nix, flakeFile, cancellationToken);
        // The workloads' deliverables are built where the closures are, in the same nix build; with NixDeployBuildOn=target
        // (closures built on the hosts) here, as they travel to the hosts beside the closures.
        var deliverables = evaluation.SelectedWorkloads.Where(workload => workload.Value is { DrvPath: not null, OutPath: not null })
            .ToDictionary(workload => workload.Key, workload => new Toplevel(workload.Value.DrvPath!, workload.Value.OutPath!));
        var local = new ClosureBuilder(nix, build.Builders);
        // Nix's log is read line by line only for a live view; without one, once the build ended.
        Action<NixActivity>? listener = progress.Enabled
            ? activity =>
            {
                foreach (var machine in evaluation.Toplevels.Keys)
                    progress.Detail(machine, "build", activity.Describe());
            }
            : null;
        // One nix build for the fleet (or one per host): every machine's row shows its builds.
        var result = build.BuildOn == BuildLocation.Target
            ? await TargetBuilder(nix).BuildAsync(evaluation.Toplevels, evaluation.Blueprint, flakeFile, cancellationToken)
            : await local.BuildAsync(evaluation.Toplevels, KeepGoing, flakeFile, RootDirectory, cancellationToken, listener, deliverables);
        if (build.BuildOn == BuildLocation.Target && deliverables.Count > 0)
        {
            var built = await local.BuildAsync(new Dictionary<string, Toplevel>(), KeepGoing, flakeFile, RootDirectory, cancellationToken, listener, deliverables);
            result = result with { Failures = [.. result.Failures, .. built.Failures] };
        }
        foreach (var failure in result.Failures)
            LogError(failure);
        // With keep-going the built closures are recorded even when others failed; without, nothing half-done is.
        if (result.Failures.Count == 0 || KeepGoing)
            EvaluationFiles.WriteClosures(ClosuresFile, result.Closures);
        foreach (var (machine, closure) in result.Closures)
            Log.LogMessage(MessageImportance.High, "NixDeploy: {0} => {1}", machine, closure);
        AllBuilt = result.Failures.Count == 0;
        foreach (var machine in evaluation.Toplevels.Keys.Where(machine => !result.Closures.ContainsKey(machine)))
            progress.Finished(machine, "failed");
    }

    /// <summary>
    /// Seed 003's command builds of the selected machines' workloads, once each whatever the number of targets; their
    /// outputs' store paths join the evaluation file, where GenerateArtifacts finds every deliverable, and are GC-rooted
    /// beside the closures.
    /// </summary>
    private async Task<FleetEvaluation> BuildCommandsAsync(FleetEvaluation evaluation, NixCli nix, string? flakeFile, CancellationToken cancellationToken)
    {
        var commands = evaluation.SelectedWorkloads.Where(workload => workload.Value.Spec.Source.Command is not null).ToList();
        ClosureRoots.KeepCommands(RootDirectory, commands.Select(command => command.Key).ToList());
        if (commands.Count == 0)
            return evaluation;
        var workloads = new SortedDictionary<string, EvaluatedWorkload>(evaluation.Workloads!.ToDictionary(), StringComparer.Ordinal);
        foreach (var (name, workload) in commands)
        {
            var built = await new CommandBuilder(nix).BuildAsync(name, workload.Spec.Source.Command!, flakeFile, cancellationToken);
            var rooted = await nix.RunAsync(["build", "--out-link", ClosureRoots.CommandOutLink(RootDirectory, name), built], cancellationToken);
            if (rooted.ExitCode != 0)
                throw new NixDeployException(ErrorCodes.WorkloadCommandBuildFailed, $"The command-built deliverable of workload '{name}' could not be made a GC root: {NixMessages.Trim(rooted.StandardError)}", flakeFile);
            workloads[name] = workload with { OutPath = built };
        }
        evaluation = evaluation with { Workloads = workloads };
        EvaluationFiles.WriteEvaluation(EvaluationFile, evaluation);
        return evaluation;
    }

    /// <summary>@(_NixDeploySettingLayer): the files that can set the SSH settings a target build uses, for their errors.</summary>
    public ITaskItem[] SettingLayers { get; set; } = [];

    private TargetClosureBuilder TargetBuilder(NixCli nix)
    {
        var settings = new DeploySettingsText(SshIdentityFile, SshKnownHostsFile, StrictHostKeyChecking, null, Parallelism, null, null, null, null).Parse(ProjectFile, SettingLayerItems.Read(ProjectFile, SettingLayers));
        return new TargetClosureBuilder(nix, settings.Ssh, settings.Parallelism);
    }
}
