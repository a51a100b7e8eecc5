using Microsoft.Build.Framework;
using NixDeploy.Artifacts;
using NixDeploy.Artifacts.Delivery;
using NixDeploy.Cache;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Ssh;
using TaskItem = Microsoft.Build.Utilities.TaskItem;

namespace NixDeploy.Tasks;

/// <summary>
/// Deploys the selected machines' closures from deployment.json over SSH, writes deploy-report.json, and logs an
/// error with its code for every machine that did not reach its desired state.
/// </summary>
public sealed class Deploy : NixDeployTask
{
    [Required] public string ManifestFile { get; set; } = "";

    /// <summary>The selected machines (@(NixDeployMachine)); their names are looked up in the manifest.</summary>
    public ITaskItem[] Machines { get; set; } = [];

    /// <summary>$(NixDeployOn): the machines this deploy may touch, checked against the machines and the manifest.</summary>
    public string? Selection { get; set; }

    [Required] public string ReportFile { get; set; } = "";

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

    public string? NixExecutable { get; set; }

    /// <summary>NixDeployProgressFile: every machine's steps and result, as they happen (the tool's live view).</summary>
    public string? ProgressFile { get; set; }

    /// <summary>The artifact queue's result and store (obj/): each machine's artifact files are placed before activation.</summary>
    public string? ArtifactsFile { get; set; }

    public string? ArtifactStoreFile { get; set; }

    public string? ArtifactsRoot { get; set; }

    public string? AgeExecutable { get; set; }

    /// <summary>@(NixDeployArtifactPrompt), for artifacts whose serialization is skipped and which are generated at deploy.</summary>
    public ITaskItem[] ArtifactPromptAnswers { get; set; } = [];

    /// <summary>Every machine with metadata Status, PreviousClosure, NewClosure and ErrorCode, as in the report.</summary>
    [Output] public ITaskItem[] DeployedMachines { get; private set; } = [];

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var project = ProjectFile;
        var settings = new DeploySettings(
            new SshOptions(NullIfEmpty(SshIdentityFile), NullIfEmpty(SshKnownHostsFile),
                SettingValues.Boolean(StrictHostKeyChecking, true, "NixDeployStrictHostKeyChecking", project),
                ControlPersistSeconds: SettingValues.Integer(SshControlPersist, SshOptions.DefaultControlPersistSeconds, "NixDeploySshControlPersist", project, ErrorCodes.InvalidSshOption)),
            SettingValues.Integer(Parallelism, DeploySettings.DefaultParallelism, "NixDeployParallelism", project),
            NullIfEmpty(OnFailure) is { } onFailure ? FailurePolicies.Parse(onFailure, project) : FailurePolicy.Continue,
            SettingValues.Boolean(DryRun, false, "NixDeployDryRun", project),
            SettingValues.Integer(ConfirmTimeout, DeploySettings.DefaultConfirmTimeoutSeconds, "NixDeployConfirmTimeout", project),
            SettingValues.Integer(ActivationTimeout, DeploySettings.DefaultActivationTimeoutSeconds, "NixDeployActivationTimeout", project)).Validate(project);
        var manifest = NixDeploy.Manifest.ManifestFile.ReadBuilt(ManifestFile);
        var plans = DeploymentPlan.For(manifest, ManifestFile, Machines.Select(machine => machine.ItemSpec).ToList(), Selection);

        var log = new TaskCommandLog(Log);
        var runner = CreateRunner();
        using var http = new HttpClient();
        var nix = new NixCli(runner, NixOptionsFactory.Create(NixExecutable, null));
        var progress = new NixDeploy.Progress.ProgressWriter(ProgressFile);
        var machines = new MachineDeployer(settings, (IClosureTransport?)CacheSubstitutionTransport.For(manifest, ManifestFile) ?? new NixCopyTransport(nix), new HealthCheckRunner(http), log, progress,
            ArtifactPlacement(runner, nix, project));
        var report = await new FleetDeployer(settings, machines, log, progress).DeployAsync(plans, cancellationToken);
        var reportFile = settings.DryRun ? DryRunReportFile : ReportFile;
        DeployReportFile.Write(reportFile, report);

        DeployedMachines = report.Machines.Select(pair => (ITaskItem)ToItem(pair.Key, pair.Value)).ToArray();
        foreach (var (name, machine) in report.Machines.Where(pair => !pair.Value.Status.ReachedDesiredState()))
            LogError(new Diagnostic(machine.ErrorCode ?? ErrorCodes.InternalError, $"{name} ({machine.Status.ToReportName()}): {machine.ErrorMessage}", project));
        foreach (var (name, machine) in report.Machines.Where(pair => pair.Value.Status == MachineStatus.WouldChange))
            Log.LogMessage(MessageImportance.High, "NixDeploy: {0} would change from {1} to {2}", name, machine.PreviousClosure ?? "no system", machine.NewClosure);
        Log.LogMessage(MessageImportance.High, "NixDeploy: {0}: {1}", reportFile,
            string.Join(", ", report.Machines.GroupBy(pair => pair.Value.Status).Select(group => $"{group.Count()} {group.Key.ToReportName()}")));
    }

    private ArtifactPlacement? ArtifactPlacement(Processes.ProcessRunner runner, NixCli nix, string project)
    {
        if (string.IsNullOrEmpty(ArtifactsFile) || string.IsNullOrEmpty(ArtifactStoreFile) || !File.Exists(ArtifactStoreFile))
            return null;
        return new ArtifactServices(ArtifactIntermediateFiles.ReadStore(ArtifactStoreFile), ArtifactsRoot ?? "artifacts", runner, nix, NullIfEmpty(AgeExecutable) ?? "age")
            .Placement(ArtifactIntermediateFiles.ReadResult(ArtifactsFile), ArtifactPromptItems.Source(ArtifactPromptAnswers, project));
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

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
