using NixDeploy.Artifacts.Services;
using NixDeploy.Artifacts;
using NixDeploy.Artifacts.Delivery;
using NixDeploy.Cache;
using NixDeploy.Deploy;
using NixDeploy.Manifest;
using NixDeploy.Nix;
using NixDeploy.Processes;
using NixDeploy.Progress;

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
        var transport = (IClosureTransport?)CacheSubstitutionTransport.For(manifest, settings.ManifestFile) ?? new NixCopyTransport(nix);
        var http = new HttpClient();
        var machines = new MachineDeployer(settings.Deploy, transport, new HealthCheckRunner(http), log, settings.LogDirectory, progress,
            Placement(settings.Artifacts, runner, nix));
        return new DeployEngine(settings, manifest, http, new FleetDeployer(settings.Deploy, machines, log, progress));
    }

    /// <summary>
    /// Deploys <paramref name="machines"/> (the build's selection), after checking them and deployment.json against
    /// <paramref name="selection"/> (ND5017); the report carries the run's id.
    /// </summary>
    public async Task<DeployReport> DeployAsync(IReadOnlyList<string> machines, string? selection, CancellationToken cancellationToken)
    {
        var plans = DeploymentPlan.For(_manifest, _settings.ManifestFile, machines, selection);
        return await _fleet.DeployAsync(plans, cancellationToken) with { RunId = _settings.RunId };
    }

    public void Dispose() => _http.Dispose();

    /// <summary>None when the fleet evaluated no artifact store: there is nothing to place.</summary>
    private static ArtifactPlacement? Placement(DeployArtifactFiles? artifacts, ProcessRunner runner, NixCli nix) =>
        artifacts is null || !File.Exists(artifacts.StoreFile)
            ? null
            : new ArtifactServices(ArtifactIntermediateFiles.ReadStore(artifacts.StoreFile), artifacts.Root, runner, nix, artifacts.AgeExecutable)
                .Placement(ArtifactIntermediateFiles.ReadResult(artifacts.ResultFile), artifacts.Prompts);
}
