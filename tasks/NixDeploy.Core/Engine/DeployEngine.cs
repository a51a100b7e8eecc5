using NixDeploy.Artifacts.Services;
using NixDeploy.Artifacts;
using NixDeploy.Artifacts.Delivery;
using NixDeploy.Cache;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Manifest;
using NixDeploy.Nix;
using NixDeploy.Pipeline;
using NixDeploy.Processes;
using NixDeploy.Progress;
using NixDeploy.Workloads.Hosts;

namespace NixDeploy.Engine;

/// <summary>
/// The deploy engine composed once from <see cref="DeployEngineSettings"/>: closure transport (a deploy cache when
/// deployment.json names one, else nix copy), health checks, artifact placement and progress, around one
/// <see cref="FleetDeployer"/>. The Deploy task and any other host of a deploy run this same composition.
/// </summary>
public sealed class DeployEngine : IDisposable
{
    private readonly HttpClient _http;
    private readonly DeployEngineSettings _settings;
    private readonly DeploymentManifest _manifest;
    private readonly FleetDeployer _fleet;

    private DeployEngine(DeployEngineSettings settings, DeploymentManifest manifest, HttpClient http, FleetDeployer fleet)
    {
        _settings = settings;
        _manifest = manifest;
        _http = http;
        _fleet = fleet;
    }

    /// <summary>Reads the built deployment.json and wires the engine; fails with a coded error when it is not readable.</summary>
    public static DeployEngine Create(DeployEngineSettings settings, ICommandLog log)
    {
        var manifest = ManifestFile.ReadBuilt(settings.ManifestFile);
        var runner = new ProcessRunner(log);
        var nix = new NixCli(runner, settings.Nix);
        var progress = new ProgressWriter(settings.ProgressFile);
        var transport = settings.Deploy.BuildOn == BuildLocation.Target
            ? new HostBuiltClosureCheck(nix)
            : (IClosureTransport?)CacheSubstitutionTransport.For(manifest, settings.ManifestFile) ?? new NixCopyTransport(nix, settings.Deploy.SubstituteOnDestination);
        var http = new HttpClient();
        // Deliverables travel as closures do; closures built on the hosts leave them to nix copy from here, where they were built.
        var workloads = manifest.Workloads is null ? null
            : new WorkloadRollout(manifest.Workloads, settings.Deploy.BuildOn == BuildLocation.Target ? new NixCopyTransport(nix, settings.Deploy.SubstituteOnDestination) : transport);
        var machines = new MachineDeployer(settings.Deploy, transport, new HealthCheckRunner(http), log, settings.LogDirectory, progress,
            Placement(settings, manifest, runner, nix), workloads);
        return new DeployEngine(settings, manifest, http, new FleetDeployer(settings.Deploy, machines, log, progress));
    }

    /// <summary>
    /// Deploys <paramref name="machines"/> (the build's selection), after checking them and deployment.json against
    /// <paramref name="selection"/> (ND5017); the report carries the run's id.
    /// </summary>
    public async Task<DeployReport> DeployAsync(IReadOnlyList<string> machines, string? selection, CancellationToken cancellationToken) =>
        await DeployAsync(DeploymentPlan.For(_manifest, _settings.ManifestFile, machines, selection), cancellationToken);

    /// <summary>
    /// Deploys <paramref name="machines"/> as deployment.json holds them, with no build to agree with: for a process
    /// that has only the document and its own keys (a control plane), which chooses the machines itself.
    /// </summary>
    public async Task<DeployReport> DeployAsync(IReadOnlyList<string> machines, CancellationToken cancellationToken) =>
        await DeployAsync(DeploymentPlan.For(_manifest, _settings.ManifestFile, machines), cancellationToken);

    /// <summary>The machines in their waves (NixDeployWaves); a wave that names no machine of the fleet is refused here,
    /// blaming deployment.json (a build has checked its own against the blueprint already).</summary>
    private async Task<DeployReport> DeployAsync(IReadOnlyList<MachinePlan> plans, CancellationToken cancellationToken) =>
        await _fleet.DeployAsync(plans,
            DeployWave.Assign(_settings.Deploy.Waves, plans.Select(plan => plan.Name), _manifest.Blueprint, SettingLayers.File(_settings.ManifestFile)),
            cancellationToken) with { RunId = _settings.RunId };

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// From the repository when the build's artifact files are given (the Deploy target); otherwise from what
    /// deployment.json carries, so a process with only the document places them; none when there is nothing to place.
    /// </summary>
    private static ArtifactPlacement? Placement(DeployEngineSettings settings, DeploymentManifest manifest, ProcessRunner runner, NixCli nix) =>
        settings.Artifacts is { } artifacts && File.Exists(artifacts.StoreFile)
            ? new ArtifactServices(ArtifactIntermediateFiles.ReadStore(artifacts.StoreFile), artifacts.Root, runner, nix, artifacts.AgeExecutable)
                .Placement(ArtifactIntermediateFiles.ReadResult(artifacts.ResultFile), artifacts.Prompts)
            : settings.Artifacts is null && manifest.Artifacts is { Count: > 0 }
                ? new ArtifactPlacement(new ManifestHostFiles(manifest, settings.ManifestFile))
                : null;
}
