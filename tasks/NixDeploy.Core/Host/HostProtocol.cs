namespace NixDeploy.Host;

/// <summary>
/// What the deployer and the host programs (<see cref="HostProgram"/>) agree on: the paths on a host, the programs'
/// exit codes and the line between a result and the deploy's log. Host/lib.sh defines each once, named in snake_case
/// (<c>state_root</c>, <c>exit_locked</c>), and the programs use only those names; a test compares the two.
/// </summary>
internal static class HostProtocol
{
    /// <summary>The deploy lock, the watchdog lock, one state directory per unconfirmed deploy, placed artifacts.</summary>
    public const string StateRoot = "/run/nixdeploy";

    /// <summary>A pull agent's own state: its credentials for curl and nix, the deployment it has handled, reports not yet delivered.</summary>
    public const string PullRoot = "/run/nixdeploy-pull";

    public const string SystemProfile = "/nix/var/nix/profiles/system";

    public const string CurrentSystemLink = "/run/current-system";

    /// <summary>What NixOS links at boot: the kernel a host runs (a deploy's reboot check).</summary>
    public const string BootedSystemLink = "/run/booted-system";

    /// <summary>One folder per workload (what runs, its bundles); kept across reboots, as the workloads' images are.</summary>
    public const string WorkloadRoot = "/nix/var/nixdeploy/workloads";

    /// <summary>podman's storage (--root) and run state (--runroot) for the workloads: the host's own, beside its store.</summary>
    public const string ContainerRoot = "/nix/var/nixdeploy/containers";

    public const string ContainerRunroot = "/run/nixdeploy/containers";

    /// <summary>Where a systemd workload's unit is written (runtime units: a reboot forgets them until the next deploy).</summary>
    public const string SystemdUnitDir = "/run/systemd/system";

    /// <summary>The line after which the agent's finish prints the deploy's log (what its log command prints).</summary>
    public const string LogFollows = "nixdeploy-log-follows";

    /// <summary>Exit codes of every host program (lib.sh's <c>exit_*</c>).</summary>
    public static class Exit
    {
        public const int Ok = 0;
        public const int Usage = 64;
        public const int NoEarlierGeneration = 66;
        public const int HostFailure = 70;
        public const int Locked = 75;
        public const int EscalationRefused = 77;
        public const int WatchdogPending = 76;
        public const int ProfileNotSet = 80;
        public const int ActivationFailed = 81;
        public const int ActivationTimedOut = 82;
        public const int BootEntryFailed = 83;
        public const int ConfirmationTooLate = 84;
        public const int RollbackUnfinished = 85;
        public const int WorkloadDigestMismatch = 90;
        public const int WorkloadLoadFailed = 91;
        public const int WorkloadStartFailed = 92;
        public const int WorkloadRolledBack = 93;
        public const int WorkloadRollbackFailed = 94;
        public const int WorkloadRuntimeMissing = 95;
    }
}
