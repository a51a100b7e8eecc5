using NixDeploy.ControlPlane;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Manifest;
using NixDeploy.Server.Store;
using NixDeploy.Ssh;

namespace NixDeploy.Server.Rollouts;

/// <summary>
/// A deployment's deploy-report.json: the runner's report of its push machines with each pull machine as its agent
/// left it. Ready once the deployment is final, or once only pull machines' agents are still to apply it (they are
/// <c>pending</c> then, so a deploy that stops waiting for them has its report).
/// </summary>
public sealed class DeploymentReports(IControlPlaneStore store, DataDirectory data, TimeProvider time)
{
    /// <summary>The report's text; null when there is no such deployment.</summary>
    public ReportAnswer? For(string id)
    {
        if (store.DeploymentReport(id) is not var (status, stored) || store.Deployment(id) is not { } detail)
            return null;
        var pull = detail.Machines.Where(pair => pair.Value.IsPull && pair.Value.Status != "superseded").ToList();
        var pushRunning = detail.Machines.Values.Any(machine => !machine.IsPull && machine.Status is "queued" or "running");
        if (!status.IsFinal() && (pull.Count == 0 || pushRunning))
            return new ReportAnswer(status, null);
        if (pull.Count == 0)
            return new ReportAnswer(status, stored);
        var manifest = ManifestFile.ReadBuilt(data.Document(id));
        var report = stored is null ? Empty(detail, manifest) : System.Text.Json.JsonSerializer.Deserialize(stored, DeployReport.Json.Type)!;
        var machines = report.Machines.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        foreach (var (name, rollout) in pull)
            machines[name] = Pull(name, rollout, manifest.Blueprint[name].Deployment.Addr);
        var end = detail.FinishedAt ?? time.GetUtcNow();
        report = report with
        {
            Machines = new SortedDictionary<string, MachineReport>(machines, StringComparer.Ordinal),
            Succeeded = machines.Values.All(machine => machine.Status.ReachedDesiredState()),
            DurationSeconds = Math.Max(report.DurationSeconds, (end - report.StartedAt).TotalSeconds),
        };
        return new ReportAnswer(status, DeployReport.Json.Text(report));
    }

    private static DeployReport Empty(DeploymentDetail detail, DeploymentManifest manifest)
    {
        var settings = RolloutSettings.For(manifest, new SshOptions(null, null));
        return new DeployReport(DeployReport.CurrentSchemaVersion, false, false, detail.ReceivedAt, 0, settings.Parallelism, settings.OnFailure,
            new Dictionary<string, MachineReport>());
    }

    private MachineReport Pull(string name, MachineRollout rollout, string address)
    {
        var seconds = rollout.StartedAt is { } started && rollout.FinishedAt is { } finished ? (finished - started).TotalSeconds : 0;
        if (rollout.Status is "pending" or "running")
        {
            var seen = store.Machine(name)?.LastSeen;
            return new MachineReport(MachineStatus.Pending, address, MachineReport.UnknownPreviousClosure, rollout.NewClosure, seconds, rollout.Steps,
                ErrorCodes.PullMachinesPending,
                $"its agent has not applied this deployment yet ({(rollout.Status == "running" ? "it is applying it" : seen is null ? "it has never reported" : $"last seen {seen:yyyy-MM-dd HH:mm:ss}Z")}); it applies it when it is back.");
        }
        var status = Enum.GetValues<MachineStatus>().First(status => status.ToReportName() == rollout.Status);
        return new MachineReport(status, address, rollout.PreviousClosure, rollout.NewClosure, seconds, rollout.Steps, rollout.ErrorCode, rollout.ErrorMessage);
    }
}

/// <summary>A deployment's status and its report (null: not ready, or no machine was rolled out).</summary>
public sealed record ReportAnswer(DeploymentStatus Status, string? Report);
