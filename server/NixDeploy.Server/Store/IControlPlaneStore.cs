using NixDeploy.ControlPlane;

namespace NixDeploy.Server.Store;

/// <summary>
/// Everything the control plane keeps: tokens, deployments with each machine's rollout, the machines' last known state
/// and the operators' rollbacks. Each method is one transaction: nothing is half-written. SQLite implements it
/// (<see cref="SqliteControlPlaneStore"/>); another database would implement the same.
/// </summary>
public interface IControlPlaneStore
{
    /// <summary>The schema version the store is at (the newest this server knows, after its migrations).</summary>
    int SchemaVersion { get; }

    /// <summary>Throws when the database cannot be read now (for /health).</summary>
    void Ping();

    void AddToken(StoredToken token);

    StoredToken? FindToken(string id);

    IReadOnlyList<TokenInfo> Tokens();

    /// <summary>False when there is no such token; revoking a revoked token keeps its first time.</summary>
    bool RevokeToken(string id, DateTimeOffset at);

    /// <summary>The most recent deployment's id and desired-state hash, or null when none was received.</summary>
    (string Id, string DesiredState)? NewestDeployment();

    /// <summary>
    /// Stores a deployment with a queued rollout per machine, in arrival order. Machines that older deployments still
    /// have queued are theirs no more (superseded by this one); a deployment left with nothing queued or done is superseded.
    /// </summary>
    void AddDeployment(NewDeployment deployment);

    DeploymentPage Deployments(int limit, string? before);

    DeploymentDetail? Deployment(string id);

    /// <summary>The deployment's status and, once it finished, its deploy-report.json; null when there is no such deployment.</summary>
    (DeploymentStatus Status, string? Report)? DeploymentReport(string id);

    /// <summary>The oldest deployment with machines queued, and those machines; null when nothing waits.</summary>
    QueuedRollout? NextQueued();

    /// <summary>The deployments a stopped server left running, with the push machines it was rolling out (none when only pull machines were left).</summary>
    IReadOnlyList<QueuedRollout> Running();

    /// <summary>Marks the machines running and the deployment too.</summary>
    void StartRollout(string deploymentId, IReadOnlyList<string> machines, DateTimeOffset at);

    /// <summary>A step a machine started (the engine's progress).</summary>
    void RecordStep(string deploymentId, string machine, RolloutStep step);

    /// <summary>A machine's rollout ended; its machine row takes the result and what the server now knows is live.</summary>
    void FinishMachine(string deploymentId, MachineOutcome outcome);

    /// <summary>Machines a restarted server takes up again: queued once more, keeping what they recorded.</summary>
    void Requeue(string deploymentId, IReadOnlyList<string> machines);

    /// <summary>
    /// A finished deployment posted again (the same desired state): its machines are queued once more, so the rollout
    /// compares each with its live system again and repairs drift; the report goes until the new one. False when it
    /// has not finished (it is still the one rolling out) or was superseded.
    /// </summary>
    bool Reconcile(string deploymentId);

    /// <summary>Sets the deployment's final status from its machines' and stores its report (null: no machine ran).</summary>
    DeploymentStatus FinishDeployment(string deploymentId, string? report, DateTimeOffset at);

    IReadOnlyList<MachineState> Machines();

    MachineState? Machine(string name);

    /// <summary>The deployment whose document describes the machine now (the newest that names it).</summary>
    string? DesiredDeploymentOf(string machine);

    /// <summary>What the server read live on a machine (null closure: no system) at <paramref name="at"/>.</summary>
    void RecordLive(string machine, string? closure, DateTimeOffset at);

    void AddRollback(RollbackRecord rollback);

    StoreCounts Counts();

    /// <summary>The newest deployment naming the machine and the machine's closure there; null when none names it.</summary>
    DesiredRollout? DesiredRolloutOf(string machine);

    /// <summary>
    /// A pull agent's step report, in the deployment's rollout of the machine (its timeline and steps; a final status
    /// ends the machine's rollout). False when the deployment does not name the machine as a pull machine.
    /// </summary>
    bool RecordAgentReport(string machine, MachineStepReport report, DateTimeOffset at);

    /// <summary>A pull agent's confirmation: the machine is deployed, when the deployment is still its desired one.</summary>
    ConfirmationResult Confirm(string machine, string deploymentId, DateTimeOffset at);
}
