using Microsoft.Build.Framework;
using NixDeploy.ControlPlane;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Engine;
using NixDeploy.Progress;
using TaskItem = Microsoft.Build.Utilities.TaskItem;

namespace NixDeploy.Tasks;

/// <summary>
/// Deploys the selected machines' closures from deployment.json over SSH with the core's <see cref="DeployEngine"/>,
/// or, with a control plane, posts deployment.json there and waits for its rollout; writes deploy-report.json, and
/// logs an error with its code for every machine that did not reach its desired state.
/// </summary>
public sealed class Deploy : NixDeployTask
{
    [Required] public string ManifestFile { get; set; } = "";

    /// <summary>The selected machines (@(NixDeployMachine)); their names are looked up in the manifest.</summary>
    public ITaskItem[] Machines { get; set; } = [];

    /// <summary>$(NixDeployOn): the machines this deploy may touch, checked against the machines and the manifest.</summary>
    public string? Selection { get; set; }

    [Required] public string ReportFile { get; set; } = "";

    /// <summary>$(NixDeployLogPath): one file per machine and deploy with what switch-to-configuration and the health checks printed.</summary>
    [Required] public string LogDirectory { get; set; } = "";

    /// <summary>Where a dry run writes its report instead, so the last deploy's report stays as it was.</summary>
    [Required] public string DryRunReportFile { get; set; } = "";

    public string? SshIdentityFile { get; set; }

    public string? SshKnownHostsFile { get; set; }

    // Settings arrive as text and are parsed by the core, so a typo gets an ND code naming the property.
    // Empty means the default.
    public string? StrictHostKeyChecking { get; set; }

    /// <summary>Seconds an idle connection to a host stays open for the next deploy, status or plan; 0 closes it with the deploy.</summary>
    public string? SshControlPersist { get; set; }

    public string? Parallelism { get; set; }

    public string? OnFailure { get; set; }

    public string? DryRun { get; set; }

    public string? ConfirmTimeout { get; set; }

    public string? ActivationTimeout { get; set; }

    /// <summary>$(NixDeployDeployMode): switch, boot, test or dry-activate.</summary>
    public string? DeployMode { get; set; }

    /// <summary>@(_NixDeploySettingLayer): the files that can set the settings above, for their errors.</summary>
    public ITaskItem[] SettingLayers { get; set; } = [];

    /// <summary>$(NixDeployBuildOn): with target the hosts built their closures, so nothing is copied to them.</summary>
    public string? BuildOn { get; set; }

    /// <summary>$(NixDeploySubstituteOnDestination): hosts fetch from their own substituters before the copy.</summary>
    public string? SubstituteOnDestination { get; set; }

    /// <summary>$(NixDeployWaves), $(NixDeployMaxFailures), $(NixDeployRollbackWave): the groups deployed one after the other, and each one's failure budget.</summary>
    public string? Waves { get; set; }

    public string? MaxFailures { get; set; }

    public string? RollbackWave { get; set; }

    public string? NixExecutable { get; set; }

    /// <summary>$(NixDeployRunId): the id of this build, written into the report so a reader knows it is this run's.</summary>
    [Required] public string RunId { get; set; } = "";

    /// <summary>NixDeployProgressFile: every machine's steps and result, as they happen (the tool's live view).</summary>
    public string? ProgressFile { get; set; }

    /// <summary>The artifact queue's result and store (obj/): each machine's artifact files are placed before activation.</summary>
    public string? ArtifactsFile { get; set; }

    public string? ArtifactStoreFile { get; set; }

    [Required] public string ArtifactsRoot { get; set; } = "";

    [Required] public string AgeExecutable { get; set; } = "";

    /// <summary>@(NixDeployArtifactPrompt), for artifacts whose serialization is skipped and which are generated at deploy.</summary>
    public ITaskItem[] ArtifactPromptAnswers { get; set; } = [];

    /// <summary>$(NixDeployControlPlane): when set, the control plane at this URL deploys, not this build.</summary>
    public string? ControlPlane { get; set; }

    /// <summary>A file holding the control plane token, or the NAME of the environment variable that does; never the token.</summary>
    public string? ControlPlaneTokenFile { get; set; }

    public string? ControlPlaneTokenVariable { get; set; }

    /// <summary>$(NixDeployWait): wait for the control plane's rollout and report it (default true).</summary>
    public string? Wait { get; set; }

    public string? ControlPlaneTimeout { get; set; }

    /// <summary>$(NixDeployPullTimeout): seconds to wait for pull machines' agents before they are reported pending.</summary>
    public string? PullTimeout { get; set; }

    /// <summary>$(NixDeployRequireAll): a pull machine still pending then is an error, not a warning.</summary>
    public string? RequireAll { get; set; }

    /// <summary>Every machine with metadata Status, PreviousClosure, NewClosure and ErrorCode, as in the report.</summary>
    [Output] public ITaskItem[] DeployedMachines { get; private set; } = [];

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var project = ProjectFile;
        var settings = new DeploySettingsText(SshIdentityFile, SshKnownHostsFile, StrictHostKeyChecking, SshControlPersist,
            Parallelism, OnFailure, DryRun, ConfirmTimeout, ActivationTimeout, DeployMode, BuildOn, SubstituteOnDestination,
            Waves, MaxFailures, RollbackWave).Parse(project, SettingLayerItems.Read(project, SettingLayers));
        var controlPlane = string.IsNullOrEmpty(ControlPlane)
            ? null
            : ControlPlaneSettings.Parse(ControlPlane, ControlPlaneTokenFile, ControlPlaneTokenVariable, Wait, ControlPlaneTimeout, project, PullTimeout, RequireAll);
        var report = controlPlane is null
            ? await DeployDirectlyAsync(settings, cancellationToken)
            : await ControlPlaneRollout.DeployAsync(controlPlane, ManifestFile, RunId, settings, new ProgressWriter(ProgressFile), new TaskCommandLog(Log), project, cancellationToken);
        if (report is null)
            return;
        var reportFile = settings.ChangesNothing ? DryRunReportFile : ReportFile;
        DeployReport.Json.Write(reportFile, report);

        DeployedMachines = report.Machines.Select(pair => (ITaskItem)ToItem(pair.Key, pair.Value)).ToArray();
        foreach (var (name, machine) in report.Machines.Where(pair => !pair.Value.Status.ReachedDesiredState()))
        {
            var diagnostic = new Diagnostic(machine.ErrorCode ?? ErrorCodes.InternalError,
                $"{name} ({machine.Status.ToReportName()}): {machine.ErrorMessage}{(machine.Log is null ? "" : $" Its host's output: {machine.Log}")}", project);
            // A pull machine that is away (asleep, offline) is expected: only NixDeployRequireAll makes it fail the deploy.
            if (machine.Status == MachineStatus.Pending && controlPlane is { RequireAll: false })
                LogWarning(diagnostic);
            else
                LogError(diagnostic);
        }
        foreach (var (name, machine) in report.Machines.Where(pair => pair.Value.Status == MachineStatus.WouldChange))
            Log.LogMessage(MessageImportance.High, "NixDeploy: {0} would change from {1} to {2}{3}", name, machine.PreviousClosure ?? "no system", machine.NewClosure,
                machine.DryActivation is { Length: > 0 } said ? $"; activating it would:{Environment.NewLine}{said}" : "");
        foreach (var (name, machine) in report.Machines.Where(pair => pair.Value.Status == MachineStatus.PendingReboot))
            Log.LogMessage(MessageImportance.High, "NixDeploy: {0} boots {1} next: reboot it to run it", name, machine.NewClosure);
        Log.LogMessage(MessageImportance.High, "NixDeploy: {0}: {1}", reportFile,
            string.Join(", ", report.Machines.GroupBy(pair => pair.Value.Status).Select(group => $"{group.Count()} {group.Key.ToReportName()}")));
    }

    private async Task<DeployReport> DeployDirectlyAsync(DeploySettings settings, CancellationToken cancellationToken)
    {
        var artifacts = string.IsNullOrEmpty(ArtifactsFile) || string.IsNullOrEmpty(ArtifactStoreFile)
            ? null
            : new DeployArtifactFiles(ArtifactsFile, ArtifactStoreFile, ArtifactsRoot, AgeExecutable,
                ArtifactPromptItems.Source(ArtifactPromptAnswers, ProjectFile));
        using var engine = DeployEngine.Create(
            new DeployEngineSettings(settings, ManifestFile, NixOptionsFactory.Create(NixExecutable, null), RunId, LogDirectory, artifacts, ProgressFile), new TaskCommandLog(Log));
        return await engine.DeployAsync(Machines.Select(machine => machine.ItemSpec).ToList(), Selection, cancellationToken);
    }

    private static TaskItem ToItem(string name, MachineReport machine)
    {
        var item = new TaskItem(name);
        item.SetMetadata("Status", machine.Status.ToReportName());
        item.SetMetadata("PreviousClosure", machine.PreviousClosure ?? "");
        item.SetMetadata("NewClosure", machine.NewClosure ?? "");
        item.SetMetadata("ErrorCode", machine.ErrorCode ?? "");
        return item;
    }
}
