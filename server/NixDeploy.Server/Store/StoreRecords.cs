using NixDeploy.ControlPlane;
using NixDeploy.Deploy;

namespace NixDeploy.Server.Store;

/// <summary>A token as stored: only the SHA-256 of its secret, never the secret.</summary>
/// <param name="Machine">The machine a <c>machine</c> token is bound to (null for the other roles).</param>
public sealed record StoredToken(string Id, TokenRole Role, string Name, byte[] SecretHash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, string? Machine = null);

/// <summary>A deployment as received: its desired-state hash (the idempotency key) and each machine to roll out.</summary>
public sealed record NewDeployment(string Id, DateTimeOffset ReceivedAt, string? GitCommit, string DesiredState, IReadOnlyList<DesiredMachine> Machines);

/// <param name="Pull">The machine's agent applies it (deployment.mode pull): the runner never connects to it.</param>
public sealed record DesiredMachine(string Name, string Address, string? Closure, bool Pull = false);

/// <summary>A machine's desired state as the store knows it: the newest deployment naming it and its closure there.</summary>
public sealed record DesiredRollout(string DeploymentId, string? Closure);

/// <summary>How a pull agent's confirmation was taken.</summary>
public enum ConfirmationResult
{
    Confirmed,
    // The deployment is not the machine's desired one (a newer one took it), or does not name the machine.
    NotDesired,
}

/// <summary>A deployment's machines still to roll out (or, after a restart, left running).</summary>
public sealed record QueuedRollout(string DeploymentId, IReadOnlyList<string> Machines);

/// <summary>
/// How a machine's rollout ended. <see cref="Live"/> is what the server knows is live afterwards (null: not known),
/// <see cref="Seen"/> whether the host answered.
/// </summary>
public sealed record MachineOutcome(
    string Machine,
    string Status,
    string? PreviousClosure,
    string? NewClosure,
    DateTimeOffset FinishedAt,
    IReadOnlyList<StepDuration> Steps,
    IReadOnlyList<RolloutStep> Timeline,
    string? ErrorCode,
    string? ErrorMessage,
    string? Live,
    bool Seen);

public sealed record RollbackRecord(string Machine, DateTimeOffset RequestedAt, DateTimeOffset FinishedAt, RollbackOutcome Outcome);

/// <summary>The numbers /metrics shows, counted in the store.</summary>
public sealed record StoreCounts(
    long Deployments,
    IReadOnlyDictionary<string, long> DeploymentsByStatus,
    IReadOnlyDictionary<string, long> RolloutsByResult,
    IReadOnlyDictionary<string, long> MachinesByState,
    double RolloutSecondsSum,
    long RolloutCount);
