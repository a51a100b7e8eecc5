using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NixDeploy.ControlPlane;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Engine;
using NixDeploy.Manifest;
using NixDeploy.Nix;
using NixDeploy.Server.Store;
using NixDeploy.Ssh;

namespace NixDeploy.Server.Rollouts;

/// <summary>
/// Rolls deployments out in arrival order, one at a time, each through the deploy engine of the Deploy target
/// (<see cref="DeployEngine"/>): so no machine is ever rolled out by two deployments at once. Every step is recorded
/// as the engine's progress reports it, every machine's outcome when it ends. It first takes up what a stopped server
/// left running (<see cref="RolloutRecovery"/>). On shutdown it starts nothing new and gives the running machines
/// <see cref="ShutdownGrace"/> to finish; those cancelled then are recorded interrupted.
/// </summary>
public sealed class RolloutRunner(
    IControlPlaneStore store, DataDirectory data, RolloutSignal signal, RolloutRecovery recovery, SshOptions ssh, ILogger<RolloutRunner> logger, TimeProvider time)
    : BackgroundService
{
    /// <summary>How long running machines may go on after a stop was asked for (systemd's default stop timeout is 90 s).</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan LockedRetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The machines' rollouts go on through a stop for the grace; only then are they cancelled.
        using var cancel = new CancellationTokenSource();
        await using var grace = stoppingToken.Register(() => cancel.CancelAfter(ShutdownGrace));
        var resumed = await recovery.RecoverAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (store.NextQueued() is { } next)
            {
                try
                {
                    await RunAsync(next, resumed.Contains(next.DeploymentId), cancel.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A fault of the server must not stop it from rolling out the deployments after this one.
                    logger.LogError(e, "Deployment {Deployment} failed unexpectedly", next.DeploymentId);
                    Abandon(next, $"The control plane failed unexpectedly while rolling this machine out ({e.GetType().Name}: {e.Message}). This is a bug: the server's log has the details.");
                }
                continue;
            }
            try
            {
                await signal.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task RunAsync(QueuedRollout rollout, bool resumed, CancellationToken cancellationToken)
    {
        var id = rollout.DeploymentId;
        var manifest = ManifestFile.ReadBuilt(data.Document(id));
        var settings = RolloutSettings.For(manifest, ssh);
        logger.LogInformation("Deployment {Deployment}: rolling out {Count} machine(s){Resumed}", id, rollout.Machines.Count, resumed ? " (resumed after a restart)" : "");
        store.StartRollout(id, rollout.Machines, time.GetUtcNow());
        var timelines = new Dictionary<string, List<RolloutStep>>(StringComparer.Ordinal);
        var pending = rollout.Machines;
        // A resumed machine may still be held by the stopped server's run: its host's watchdog decides within its deadline.
        var lockedUntil = time.GetUtcNow() + TimeSpan.FromSeconds(settings.ActivationTimeoutSeconds) + TimeSpan.FromSeconds(settings.ConfirmTimeoutSeconds)
            + pending.Select(machine => HealthCheckRunner.Budget(manifest.Blueprint[machine].Deployment.HealthChecks)).DefaultIfEmpty().Max() + TimeSpan.FromSeconds(30);
        DeployReport? report = null;
        while (pending.Count > 0)
        {
            var run = await RunEngineAsync(id, manifest, settings, pending, timelines, cancellationToken);
            report = report is null ? run : run with { Machines = report.Machines.Concat(run.Machines).GroupBy(pair => pair.Key).ToDictionary(group => group.Key, group => group.Last().Value) };
            var locked = run.Machines.Where(pair => resumed && pair.Value.ErrorCode == ErrorCodes.DeployLocked && !cancellationToken.IsCancellationRequested).Select(pair => pair.Key).ToList();
            var retry = locked.Count > 0 && time.GetUtcNow() < lockedUntil;
            foreach (var (machine, machineReport) in run.Machines.Where(pair => !retry || !locked.Contains(pair.Key)))
                store.FinishMachine(id, Outcome(machine, machineReport, timelines.GetValueOrDefault(machine) ?? [], locked.Contains(machine), cancellationToken.IsCancellationRequested));
            pending = retry ? locked : [];
            if (retry)
                await Task.Delay(LockedRetryDelay, CancellationToken.None);
        }
        var status = store.FinishDeployment(id, report is null ? null : DeployReport.Json.Text(report), time.GetUtcNow());
        logger.LogInformation("Deployment {Deployment}: {Status}", id, Names.Of(status));
    }

    private async Task<DeployReport> RunEngineAsync(
        string id, DeploymentManifest manifest, DeploySettings settings, IReadOnlyList<string> machines,
        Dictionary<string, List<RolloutStep>> timelines, CancellationToken cancellationToken)
    {
        var runId = $"{time.GetUtcNow().UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var folder = data.Run(id, runId);
        var progressFile = Path.Combine(folder, "progress.jsonl");
        var timeline = new RolloutTimeline(progressFile);
        var startedAt = time.GetUtcNow();
        DeployReport report;
        try
        {
            using var engine = DeployEngine.Create(new DeployEngineSettings(settings, data.Document(id), NixOptions.Default, runId, folder, ProgressFile: progressFile), new LoggerCommandLog(logger));
            var deploy = engine.DeployAsync(machines, cancellationToken);
            while (await Task.WhenAny(deploy, Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None)) != deploy)
                Record(id, timeline);
            report = await deploy;
        }
        catch (NixDeployException e)
        {
            // The engine could not be set up (e.g. the server's SSH key is missing): every machine failed with its reason.
            report = new DeployReport(DeployReport.CurrentSchemaVersion, false, false, startedAt, 0, settings.Parallelism, settings.OnFailure,
                machines.ToDictionary(machine => machine, machine => new MachineReport(MachineStatus.Failed, manifest.Blueprint[machine].Deployment.Addr,
                    MachineReport.UnknownPreviousClosure, manifest.Closures[machine], 0, [], e.Code, string.Join(" ", e.Diagnostics.Select(d => d.Message)))));
        }
        Record(id, timeline);
        foreach (var (machine, machineReport) in report.Machines)
        {
            var steps = timelines.TryGetValue(machine, out var list) ? list : timelines[machine] = [];
            steps.AddRange(timeline.Complete(machine, machineReport.Steps, startedAt));
        }
        return report with { RunId = runId };
    }

    /// <summary>Records the rollout's machines that did not finish failed with ND9001, and ends the deployment.</summary>
    private void Abandon(QueuedRollout rollout, string message)
    {
        var unfinished = store.Deployment(rollout.DeploymentId)?.Machines.Where(pair => pair.Value.Status is "queued" or "running").Select(pair => pair.Key) ?? [];
        foreach (var machine in unfinished.Intersect(rollout.Machines))
            store.FinishMachine(rollout.DeploymentId, new MachineOutcome(machine, MachineStatus.Failed.ToReportName(), null, null, time.GetUtcNow(), [], [],
                ErrorCodes.InternalError, message, null, false));
        store.FinishDeployment(rollout.DeploymentId, null, time.GetUtcNow());
    }

    private void Record(string id, RolloutTimeline timeline)
    {
        foreach (var (machine, step) in timeline.ReadNew())
            store.RecordStep(id, machine, step);
    }

    private MachineOutcome Outcome(string machine, MachineReport report, IReadOnlyList<RolloutStep> timeline, bool stillLocked, bool stopping)
    {
        var known = report.PreviousClosure != MachineReport.UnknownPreviousClosure;
        var live = report.Status switch
        {
            MachineStatus.Deployed or MachineStatus.Unchanged => (Seen: true, Closure: report.NewClosure),
            MachineStatus.RolledBack when known => (Seen: true, Closure: report.PreviousClosure),
            _ => (Seen: false, Closure: (string?)null),
        };
        var interrupted = stillLocked || (stopping && report.ErrorCode == ErrorCodes.DeployCancelled);
        return new MachineOutcome(machine,
            interrupted ? "interrupted" : report.Status.ToReportName(),
            known ? report.PreviousClosure : null,
            report.NewClosure,
            time.GetUtcNow(),
            report.Steps,
            timeline,
            interrupted ? ErrorCodes.RolloutInterrupted : report.ErrorCode,
            interrupted
                ? $"The server stopped during {machine}'s rollout and could not take it up again: {report.ErrorMessage} Look at the machine ('dotnet nixdeploy status') and post the deployment again."
                : report.ErrorMessage,
            live.Closure, live.Seen);
    }
}
