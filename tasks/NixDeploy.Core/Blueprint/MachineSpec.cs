using System.Text.Json.Serialization;

namespace NixDeploy.Blueprint;

/// <summary>The desired state of one machine, as the flake's <c>blueprintJSON</c> declares it (seed 002's shape).</summary>
public sealed record MachineSpec(
    string Role,
    double Cpu,
    MemorySpec Memory,
    IReadOnlyList<string> Labels,
    int Replicas,
    DeploymentSpec Deployment);

public sealed record MemorySpec(double Amount, string Unit);

/// <summary>
/// How to reach and activate a machine. <see cref="PrivilegeEscalation"/> is null when nothing says (a deployment.json
/// written before the field existed): <see cref="BlueprintDefaults.PrivilegeEscalationFor"/> the user applies.
/// <see cref="Mode"/> <c>pull</c>: the machine's agent fetches its desired state
/// from the control plane and applies it itself; its <see cref="Addr"/> may be empty (nothing connects to it), and when
/// set it is only where tools may read its live system if it happens to be reachable.
/// </summary>
public sealed record DeploymentSpec(
    string Addr,
    string Backend,
    string SshUser,
    int SshPort,
    IReadOnlyList<HealthCheckSpec> HealthChecks,
    bool AutoRollback,
    PrivilegeEscalation? PrivilegeEscalation = null,
    // Push is left out of deployment.json, so documents of push fleets stay as they were (versions 1 and 2 without
    // the field mean push).
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] DeploymentMode Mode = DeploymentMode.Push)
{
    /// <summary>How <see cref="SshUser"/> becomes root on the host: as given, else the default for that user.</summary>
    [JsonIgnore]
    public PrivilegeEscalation Escalation => PrivilegeEscalation ?? BlueprintDefaults.PrivilegeEscalationFor(SshUser);

    [JsonIgnore] public bool IsPull => Mode == DeploymentMode.Pull;
}

/// <summary>Who deploys a machine: the deployer over SSH (<c>push</c>), or the machine's own agent (<c>pull</c>).</summary>
public enum DeploymentMode
{
    [JsonStringEnumMemberName("push")] Push,
    [JsonStringEnumMemberName("pull")] Pull,
}

/// <summary>
/// A check that must pass after activation: a <see cref="Command"/> run on the host, or an HTTP <see cref="Url"/>
/// fetched by the deployer (morph-style). It is retried every <see cref="Interval"/> seconds until it passes or
/// <see cref="Timeout"/> seconds have gone by.
/// </summary>
public sealed record HealthCheckSpec(
    bool Enabled,
    string? Command,
    string? Url,
    int? ExpectedStatus,
    int Timeout,
    int Interval);
