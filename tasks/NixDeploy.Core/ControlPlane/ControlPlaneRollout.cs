using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Processes;
using NixDeploy.Progress;

namespace NixDeploy.ControlPlane;

/// <summary>
/// A build's side of a rollout by the control plane: post deployment.json, then (Deploy) follow the deployment until
/// it is final, passing each machine's steps on as progress, and take its report, the deploy-report.json of a
/// direct deploy.
/// </summary>
public sealed class ControlPlaneRollout(ControlPlaneClient client, ICommandLog log)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Deploy with a control plane: always posts (the server decides whether it is a new deployment, and per machine
    /// what to do from its live state), then, unless <see cref="ControlPlaneSettings.Wait"/> is off, waits for the rollout and returns
    /// its report with this build's <paramref name="runId"/>; null when it does not wait.
    /// </summary>
    public static async Task<DeployReport?> DeployAsync(ControlPlaneSettings settings, string manifestFile, string runId, DeploySettings deploy,
        ProgressWriter progress, ICommandLog log, string? projectFile, CancellationToken cancellationToken)
    {
        if (deploy.DryRun)
            throw new NixDeployException(ErrorCodes.InvalidControlPlaneSetting,
                "NixDeployDryRun reads each host's live system from this machine, but with NixDeployControlPlane set the control plane deploys: run the dry run without NixDeployControlPlane.", projectFile);
        if (deploy.Mode != DeployMode.Switch)
            throw new NixDeployException(ErrorCodes.InvalidControlPlaneSetting,
                $"NixDeployDeployMode {deploy.Mode.ToSettingName()} deploys from this machine, but with NixDeployControlPlane set the control plane rolls out with switch: deploy without NixDeployControlPlane, or leave the mode empty.", projectFile);
        using var client = settings.Connect(projectFile);
        var rollout = new ControlPlaneRollout(client, log);
        var accepted = await rollout.PublishAsync(manifestFile, cancellationToken);
        if (!settings.Wait)
        {
            log.Info($"NixDeploy: not waiting for deployment {accepted.Id} (NixDeployWait is false): 'dotnet nixdeploy status --server {client.Server}' shows where it is");
            return null;
        }
        return await rollout.WaitAsync(accepted.Id, settings.TimeoutSeconds, settings.PullTimeoutSeconds, progress, cancellationToken) with { RunId = runId };
    }

    public async Task<DeploymentAccepted> PublishAsync(string manifestFile, CancellationToken cancellationToken)
    {
        var accepted = await client.PostDeploymentAsync(manifestFile, cancellationToken);
        log.Info(accepted.Created
            ? $"NixDeploy: posted {manifestFile} to {client.Server}: deployment {accepted.Id}"
            : $"NixDeploy: posted {manifestFile} to {client.Server}: the same desired state as deployment {accepted.Id}, which it already has");
        return accepted;
    }

    /// <summary>
    /// The deployment's report once it is final, or once only pull machines are left after <paramref name="pullTimeoutSeconds"/>
    /// (the report has them <c>pending</c>); ND8047 when that takes longer than <paramref name="timeoutSeconds"/>.
    /// </summary>
    public async Task<DeployReport> WaitAsync(string id, int timeoutSeconds, int pullTimeoutSeconds, ProgressWriter progress, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(timeoutSeconds);
        var pullDeadline = DateTimeOffset.UtcNow.AddSeconds(pullTimeoutSeconds);
        var shown = new Dictionary<string, (string Status, int Steps)>(StringComparer.Ordinal);
        while (true)
        {
            var deployment = await client.GetDeploymentAsync(id, cancellationToken);
            Show(deployment, shown, progress);
            if (deployment.Status.IsFinal())
            {
                log.Info($"NixDeploy: deployment {id} at {client.Server} is {Name(deployment.Status)}");
                return await client.GetReportAsync(id, cancellationToken);
            }
            var away = deployment.Machines.Where(pair => pair.Value.IsPull && pair.Value.Status is "pending" or "running").Select(pair => pair.Key).ToList();
            var pushing = deployment.Machines.Values.Any(machine => !machine.IsPull && machine.Status is "queued" or "running");
            if (away.Count > 0 && !pushing && DateTimeOffset.UtcNow >= pullDeadline)
            {
                log.Info($"NixDeploy: deployment {id} at {client.Server}: {string.Join(", ", away)} still pending after {pullTimeoutSeconds} s (NixDeployPullTimeout); {(away.Count == 1 ? "its agent applies" : "their agents apply")} it when back");
                return await client.GetReportAsync(id, cancellationToken);
            }
            if (DateTimeOffset.UtcNow >= deadline)
                throw new NixDeployException(ErrorCodes.ControlPlaneTimedOut,
                    $"Deployment {id} at {client.Server} is still {Name(deployment.Status)} after {timeoutSeconds} s (NixDeployControlPlaneTimeout): the build stops waiting, the rollout goes on there ('dotnet nixdeploy status --server {client.Server}').");
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    // Each step once, as the server records it, and each machine's result when it has one: the tool's live view.
    private static void Show(DeploymentDetail deployment, Dictionary<string, (string Status, int Steps)> shown, ProgressWriter progress)
    {
        foreach (var (machine, rollout) in deployment.Machines)
        {
            // The timeline has each step from its start; the steps, only those that ended.
            var steps = rollout.Timeline?.Select(step => step.Step).ToList() ?? rollout.Steps.Select(step => step.Step).ToList();
            var before = shown.GetValueOrDefault(machine, (Status: "queued", Steps: 0));
            foreach (var step in steps.Skip(before.Steps))
                progress.Step(machine, step);
            if (rollout.Status != before.Status && rollout.Status is not ("queued" or "running" or "pending"))
                progress.Finished(machine, rollout.Status);
            shown[machine] = (rollout.Status, steps.Count);
        }
    }

    private static string Name(DeploymentStatus status) => status.ToString().ToLowerInvariant();
}
