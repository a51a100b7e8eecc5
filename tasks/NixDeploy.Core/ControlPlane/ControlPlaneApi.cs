using System.Text.Json.Serialization;
using NixDeploy.Blueprint;
using NixDeploy.Deploy;

namespace NixDeploy.ControlPlane;

/// <summary>
/// The control plane's HTTP API (<c>dotnet nixdeploy serve</c>), as both the server and its clients (the
/// PublishDeployment and Deploy tasks, <c>dotnet nixdeploy --server</c>) see it: routes and the JSON documents.
/// Errors are <c>application/problem+json</c> with the ND code in <c>code</c>.
/// </summary>
public static class ControlPlaneRoutes
{
    public const string Api = "/api/v1";
    public const string Deployments = Api + "/deployments";
    public const string Machines = Api + "/machines";
    public const string Tokens = Api + "/tokens";
    public const string CacheCollect = Api + "/cache/gc";
    // The binary cache (nix-cache-info, HASH.narinfo, nar/*), read and written with HTTP Basic whose password is a token.
    public const string Cache = "/cache";
    public const string Builds = Api + "/builds";
    public const string LatestBuild = Builds + "/latest";
    public const string Health = "/health";
    public const string Metrics = "/metrics";
    public const string OpenApi = "/openapi/v1.json";

    public static string Deployment(string id) => $"{Deployments}/{Uri.EscapeDataString(id)}";

    /// <summary>The finished deployment as deploy-report.json (409 while it runs).</summary>
    public static string DeploymentReport(string id) => $"{Deployment(id)}/report";

    public static string Machine(string name) => $"{Machines}/{Uri.EscapeDataString(name)}";

    public static string MachineRollback(string name) => $"{Machine(name)}/rollback";

    /// <summary>Creates a token bound to the machine (admin): what its pull agent authenticates with.</summary>
    public static string MachineToken(string name) => $"{Machine(name)}/token";

    /// <summary>The machine's desired state, long-polled by its agent (<c>?wait=SECONDS&amp;known=DEPLOYMENT_ID</c>).</summary>
    public static string MachineDesired(string name) => $"{Machine(name)}/desired";

    /// <summary>The agent's step reports (<see cref="MachineStepReport"/>).</summary>
    public static string MachineReports(string name) => $"{Machine(name)}/reports";

    /// <summary>The agent's confirmation after its health checks (<see cref="MachineConfirmation"/>).</summary>
    public static string MachineConfirm(string name) => $"{Machine(name)}/confirm";

    public static string Token(string id) => $"{Tokens}/{Uri.EscapeDataString(id)}";

    public static string Build(string id) => $"{Builds}/{Uri.EscapeDataString(id)}";

    /// <summary>The build's log: the last <c>lines</c> as text, or followed as server-sent events (<see cref="BuildLogStream"/>).</summary>
    public static string BuildLogs(string id) => $"{Build(id)}/logs";

    public static string BuildLogStream(string id) => $"{BuildLogs(id)}/stream";
}

/// <summary>
/// What a bearer token may do; each role includes the ones before it: <c>read</c> (GET), <c>ci</c> (and post
/// deployments), <c>operator</c> (and roll machines back), <c>admin</c> (and manage tokens). <c>machine</c> stands
/// apart, below them all: a pull agent's token, bound to one machine, reads that machine's desired state, reports
/// and confirms for it, and reads the binary cache; nothing else.
/// </summary>
public enum TokenRole
{
    [JsonStringEnumMemberName("machine")] Machine = -1,
    [JsonStringEnumMemberName("read")] Read,
    [JsonStringEnumMemberName("ci")] Ci,
    [JsonStringEnumMemberName("operator")] Operator,
    [JsonStringEnumMemberName("admin")] Admin,
}

/// <summary>Where a deployment is; the last four are final.</summary>
public enum DeploymentStatus
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
    // The server stopped during the rollout and could not resume it; each machine's live system was read again.
    [JsonStringEnumMemberName("interrupted")] Interrupted,
    // A newer deployment took every machine this one still had queued.
    [JsonStringEnumMemberName("superseded")] Superseded,
}

/// <summary>
/// The answer to <c>POST /deployments</c>: 201 with <see cref="Created"/> true, or 200 with false when the same desired
/// state was posted before (its id).
/// </summary>
public sealed record DeploymentAccepted(string Id, bool Created);

public sealed record DeploymentSummary(
    string Id,
    DateTimeOffset ReceivedAt,
    string? GitCommit,
    DeploymentStatus Status,
    IReadOnlyList<string> Machines,
    DateTimeOffset? FinishedAt);

/// <summary><c>GET /deployments?limit=N&amp;before=ID</c>: newest first; <see cref="Next"/> is the <c>before</c> of the next page.</summary>
public sealed record DeploymentPage(IReadOnlyList<DeploymentSummary> Items, string? Next);

public sealed record DeploymentDetail(
    string Id,
    DateTimeOffset ReceivedAt,
    string? GitCommit,
    DeploymentStatus Status,
    DateTimeOffset? FinishedAt,
    IReadOnlyDictionary<string, MachineRollout> Machines);

/// <summary>
/// One machine in one deployment. <see cref="Status"/> is <c>queued</c>, <c>running</c>, <c>superseded</c>,
/// <c>interrupted</c>, <c>pending</c> (a pull machine whose agent has not taken it up) or a deploy-report status
/// (<c>deployed</c>, <c>unchanged</c>, <c>rolled-back</c>, ...). <see cref="Mode"/> is set for a pull machine only.
/// </summary>
public sealed record MachineRollout(
    string Status,
    string? PreviousClosure,
    string? NewClosure,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<StepDuration> Steps,
    string? ErrorCode,
    string? ErrorMessage,
    // Set when Status is superseded: the deployment that took the machine.
    string? SupersededBy = null,
    // Each step with the time it started (from the engine's progress) and, once it ended, how long it took.
    IReadOnlyList<RolloutStep>? Timeline = null,
    DeploymentMode? Mode = null)
{
    [JsonIgnore] public bool IsPull => Mode == DeploymentMode.Pull;
}

/// <summary>One step of a machine's rollout: when it started and how long it took (null while it runs).</summary>
public sealed record RolloutStep(string Step, DateTimeOffset StartedAt, double? Seconds);

/// <summary><c>GET /machines</c> and <c>GET /machines/{name}</c>: desired and live closure, the last rollout's result.</summary>
public sealed record MachineState(
    string Name,
    string Address,
    string? DesiredClosure,
    string? LiveClosure,
    string? LastResult,
    string? LastDeploymentId,
    DateTimeOffset? LastSeen);

/// <summary><c>POST /machines/{name}/rollback</c>: the generation before the live one, activated and verified.</summary>
public sealed record RollbackOutcome(string Machine, string Status, string? FromClosure, string? ToClosure, string? ErrorCode, string? ErrorMessage);

public sealed record TokenRequest(TokenRole Role, string Name);

/// <summary>The only time a token's secret is shown.</summary>
public sealed record TokenCreated(string Id, TokenRole Role, string Name, string Token);

/// <param name="Machine">The machine a <c>machine</c> token is bound to.</param>
public sealed record TokenInfo(string Id, TokenRole Role, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, string? Machine = null);

/// <summary>
/// <c>POST /machines/{name}/token</c> (201): the machine token, its secret shown only here, and the control plane's
/// cache as the machine substitutes from it (the key of the newest deployment; null before one names a key).
/// </summary>
public sealed record MachineTokenCreated(string Id, string Machine, string Token, MachineSubstituter Cache);

/// <summary>
/// <c>GET /machines/{name}/desired</c>: what the machine's pull agent applies. <see cref="Substituters"/> lists the
/// control plane's own <c>/cache</c> first, then the deployment's caches, each with the key its paths are signed
/// with (the agent trusts only those); <see cref="HealthChecks"/> are the machine's command checks (the agent runs them
/// on itself).
/// </summary>
public sealed record MachineDesiredState(
    string DeploymentId,
    string Machine,
    string Toplevel,
    IReadOnlyList<MachineSubstituter> Substituters,
    IReadOnlyList<HealthCheckSpec> HealthChecks,
    int ActivationTimeoutSeconds,
    int ConfirmTimeoutSeconds);

/// <param name="PublicKey">The key narinfos from this cache must be signed with (null: none is known).</param>
public sealed record MachineSubstituter(string Url, string? PublicKey);

/// <summary>
/// <c>POST /machines/{name}/reports</c>: one step of the agent's apply, as the push deploy's steps are named
/// (<c>lock</c>, <c>copy</c>, <c>activate</c>, <c>health</c>, <c>boot</c>, ...). <see cref="Status"/> is one of
/// <see cref="AgentStepStatus"/>; <see cref="Code"/> and <see cref="Message"/> say why a step failed.
/// </summary>
public sealed record MachineStepReport(string DeploymentId, string Step, string Status, string? Code = null, string? Message = null);

/// <summary>What a <see cref="MachineStepReport"/> says of its step.</summary>
public static class AgentStepStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    // The machine's rollout ended: failed (nothing activated, or a rollback that did not verify), rolled back, or
    // unchanged (the live system already was the toplevel).
    public const string Failed = "failed";
    public const string RolledBack = "rolled-back";
    public const string Unchanged = "unchanged";

    public static IReadOnlyList<string> All { get; } = [Running, Succeeded, Failed, RolledBack, Unchanged];
}

/// <summary><c>POST /machines/{name}/confirm</c>: the agent's health checks passed on this deployment.</summary>
public sealed record MachineConfirmation(string DeploymentId);

/// <summary><c>GET /health</c>: <c>{"status":"healthy","database":"ok",...}</c>, 503 with "unhealthy" when the database is not.</summary>
public sealed record HealthReport(string Status, string Database, int SchemaVersion);

/// <summary><c>POST /cache/gc</c>: what garbage collection kept and removed.</summary>
public sealed record CacheCollection(int KeptNarInfos, int RemovedNarInfos, int RemovedNars, long RemovedBytes);

/// <summary>The problem details body of every error (RFC 9457) with the ND code.</summary>
public sealed record ControlPlaneProblem(string? Type, string? Title, int Status, string? Detail, string? Code);

/// <summary>Where a build of the fleet repository is; <c>interrupted</c>: the server stopped while it ran.</summary>
public enum BuildStatus
{
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("success")] Success,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("interrupted")] Interrupted,
}

/// <summary>
/// <c>POST /builds</c>: <c>triggered</c> with the new build's id, or <c>already_running</c> with the id of the build
/// that runs (one build at a time).
/// </summary>
public sealed record BuildTriggered(string Status, string Id)
{
    public const string Triggered = "triggered";
    public const string AlreadyRunning = "already_running";
}

/// <summary>
/// A build of the configured ref: the commit it built, each machine's closure from the built deployment.json, the
/// first ND code of a failed build's output and the deployment it created (<c>autoDeploy</c>).
/// </summary>
public sealed record BuildRecord(
    string Id,
    BuildStatus Status,
    bool Running,
    string Ref,
    string? Commit,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyDictionary<string, string> Closures,
    string? ErrorCode,
    string? ErrorMessage,
    string? DeploymentId);

/// <summary><c>GET /builds?limit=N&amp;before=ID</c>: newest first; <see cref="Next"/> is the <c>before</c> of the next page.</summary>
public sealed record BuildPage(IReadOnlyList<BuildRecord> Items, string? Next);

public static class DeploymentStatusExtensions
{
    public static bool IsFinal(this DeploymentStatus status) => status >= DeploymentStatus.Succeeded;
}
