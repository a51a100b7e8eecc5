namespace NixDeploy.Blueprint;

/// <summary>Values a blueprint may leave out, and the closed sets its fields are checked against.</summary>
public static class BlueprintDefaults
{
    public const string Role = "default";
    public const double Cpu = 1;
    public const double MemoryAmount = 1;
    public const string MemoryUnit = "GB";
    public const int Replicas = 1;
    public const string Backend = "ssh";

    /// <summary>A cloud-hypervisor VM: a NixOS guest deployed over SSH like <c>ssh</c>, whose worker (re)starts it.</summary>
    public const string CloudHypervisorBackend = "cloud-hypervisor";
    public const string SshUser = "root";

    /// <summary>Root needs no escalation; any other user escalates with sudo unless the blueprint says otherwise.</summary>
    public static PrivilegeEscalation PrivilegeEscalationFor(string sshUser) =>
        sshUser == SshUser ? PrivilegeEscalation.None : PrivilegeEscalation.Sudo;

    /// <summary>The blueprint's words for <see cref="PrivilegeEscalation"/>, in its order.</summary>
    public static readonly IReadOnlyList<string> PrivilegeEscalations = [.. Enum.GetNames<PrivilegeEscalation>().Select(name => name.ToLowerInvariant())];
    public const int SshPort = 22;
    public const bool AutoRollback = true;
    public const int HealthCheckTimeout = 60;
    public const int HealthCheckInterval = 10;
    public const int HttpExpectedStatus = 200;

    /// <summary>Backends this SDK can deploy with. Others are rejected rather than silently skipped.</summary>
    public static readonly IReadOnlyList<string> Backends = [Backend, CloudHypervisorBackend];

    /// <summary>deployment.mode: <c>push</c> (the default) or <c>pull</c>.</summary>
    public static readonly IReadOnlyList<string> Modes = ["push", "pull"];

    public static readonly IReadOnlyList<string> MemoryUnits = ["KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB"];
}
