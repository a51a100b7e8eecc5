using System.Text.Json;
using Microsoft.Data.Sqlite;
using NixDeploy.ControlPlane;
using NixDeploy.Deploy;

namespace NixDeploy.Server.Store;

/// <summary>
/// Pull machines' rollouts, moved by their agents' reports and confirmations, in the same rows and columns the runner
/// fills for push machines (steps with durations, the timeline, the result), so the deployment's detail and status read
/// them alike.
/// </summary>
public sealed partial class SqliteControlPlaneStore
{
    public DesiredRollout? DesiredRolloutOf(string machine) => Read(connection =>
        Query(connection, null, """
            SELECT m.desired_deployment_id, r.closure FROM machines m JOIN rollouts r ON r.deployment_id = m.desired_deployment_id AND r.machine = m.name
            WHERE m.name = @name
            """, reader => new DesiredRollout(reader.GetString(0), NullableString(reader, 1)), ("@name", machine)).FirstOrDefault());

    public bool RecordAgentReport(string machine, MachineStepReport report, DateTimeOffset at) => Write((connection, transaction) =>
    {
        var row = Query(connection, transaction, "SELECT status, timeline, steps FROM rollouts WHERE deployment_id = @id AND machine = @machine AND mode = 'pull'",
            reader => (Status: reader.GetString(0), Timeline: reader.GetString(1), Steps: reader.GetString(2)), ("@id", report.DeploymentId), ("@machine", machine)).FirstOrDefault();
        if (row.Status is null)
            return false;
        var timeline = (JsonSerializer.Deserialize(row.Timeline, StoreJsonContext.Default.IReadOnlyListRolloutStep) ?? []).ToList();
        var steps = (JsonSerializer.Deserialize(row.Steps, StoreJsonContext.Default.IReadOnlyListStepDuration) ?? []).ToList();
        if (report.Status == AgentStepStatus.Running)
            timeline.Add(new RolloutStep(report.Step, at, null));
        else
        {
            // The step ends: the one it started gets its duration (a step reported only at its end took no time we saw).
            var open = timeline.FindLastIndex(step => step.Step == report.Step && step.Seconds is null);
            var started = open >= 0 ? timeline[open] : new RolloutStep(report.Step, at, null);
            var seconds = Math.Max(0, (at - started.StartedAt).TotalSeconds);
            if (open >= 0)
                timeline[open] = started with { Seconds = seconds };
            else
                timeline.Add(started with { Seconds = seconds });
            steps.Add(new StepDuration(report.Step, seconds));
        }
        var when = Time.Format(at);
        // Reports of a deployment the machine no longer has (superseded) stay in its timeline but move nothing.
        var active = row.Status is "pending" or "running";
        var result = report.Status switch
        {
            AgentStepStatus.Failed => MachineStatus.Failed.ToReportName(),
            AgentStepStatus.RolledBack => MachineStatus.RolledBack.ToReportName(),
            AgentStepStatus.Unchanged => MachineStatus.Unchanged.ToReportName(),
            _ => null,
        };
        Execute(connection, transaction, """
            UPDATE rollouts SET timeline = @timeline, steps = @steps, started_at = COALESCE(started_at, @at),
              status = CASE WHEN @active = 0 THEN status WHEN @result IS NOT NULL THEN @result ELSE 'running' END,
              finished_at = CASE WHEN @active = 1 AND @result IS NOT NULL THEN @at ELSE finished_at END,
              error_code = CASE WHEN @active = 1 AND @result IS NOT NULL THEN @code ELSE error_code END,
              error_message = CASE WHEN @active = 1 AND @result IS NOT NULL THEN @message ELSE error_message END
            WHERE deployment_id = @id AND machine = @machine
            """, ("@id", report.DeploymentId), ("@machine", machine), ("@at", when), ("@active", active ? 1 : 0), ("@result", result),
            ("@code", report.Code), ("@message", report.Message),
            ("@timeline", JsonSerializer.Serialize<IReadOnlyList<RolloutStep>>(timeline, StoreJsonContext.Default.IReadOnlyListRolloutStep)),
            ("@steps", JsonSerializer.Serialize<IReadOnlyList<StepDuration>>(steps, StoreJsonContext.Default.IReadOnlyListStepDuration)));
        Execute(connection, transaction, "UPDATE machines SET last_seen = @at WHERE name = @machine", ("@machine", machine), ("@at", when));
        if (active && result is not null)
        {
            Execute(connection, transaction, "UPDATE machines SET last_result = @result, last_deployment_id = @id WHERE name = @machine",
                ("@id", report.DeploymentId), ("@machine", machine), ("@result", result));
            if (report.Status == AgentStepStatus.Unchanged)
                SetLiveToRollout(connection, transaction, report.DeploymentId, machine, when);
            Conclude(connection, transaction, report.DeploymentId, at);
        }
        return true;
    });

    public ConfirmationResult Confirm(string machine, string deploymentId, DateTimeOffset at) => Write((connection, transaction) =>
    {
        var desired = Scalar(connection, transaction, "SELECT desired_deployment_id FROM machines WHERE name = @machine", ("@machine", machine)) as string;
        var status = Scalar(connection, transaction, "SELECT status FROM rollouts WHERE deployment_id = @id AND machine = @machine AND mode = 'pull'",
            ("@id", deploymentId), ("@machine", machine)) as string;
        if (desired != deploymentId || status is null or "superseded")
            return ConfirmationResult.NotDesired;
        var when = Time.Format(at);
        Execute(connection, transaction, """
            UPDATE rollouts SET status = @deployed, finished_at = @at, started_at = COALESCE(started_at, @at), error_code = NULL, error_message = NULL,
              previous_closure = COALESCE(previous_closure, (SELECT live_closure FROM machines WHERE name = @machine))
            WHERE deployment_id = @id AND machine = @machine
            """, ("@id", deploymentId), ("@machine", machine), ("@at", when), ("@deployed", MachineStatus.Deployed.ToReportName()));
        Execute(connection, transaction, "UPDATE machines SET last_result = @deployed, last_deployment_id = @id WHERE name = @machine",
            ("@id", deploymentId), ("@machine", machine), ("@deployed", MachineStatus.Deployed.ToReportName()));
        SetLiveToRollout(connection, transaction, deploymentId, machine, when);
        Conclude(connection, transaction, deploymentId, at);
        return ConfirmationResult.Confirmed;
    });

    // The agent applied (or found) the deployment's closure: it is what runs there now.
    private static void SetLiveToRollout(SqliteConnection connection, SqliteTransaction transaction, string deploymentId, string machine, string at) =>
        SetLive(connection, transaction, machine,
            Scalar(connection, transaction, "SELECT closure FROM rollouts WHERE deployment_id = @id AND machine = @machine", ("@id", deploymentId), ("@machine", machine)) as string,
            at);
}
