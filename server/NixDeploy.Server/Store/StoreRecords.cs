using NixDeploy.ControlPlane;
using NixDeploy.Deploy;

namespace NixDeploy.Server.Store;

/// <summary>A token as stored: only the SHA-256 of its secret, never the secret.</summary>
public sealed record StoredToken(string Id, TokenRole Role, string Name, byte[] SecretHash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A deployment as received: its desired-state hash (the idempotency key) and each machine to roll out.</summary>
public sealed record NewDeployment(string Id, DateTimeOffset ReceivedAt, string? GitCommit, string DesiredState, IReadOnlyList<DesiredMachine> Machines);

public sealed record DesiredMachine(string Name, string Address, string? Closure);

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
