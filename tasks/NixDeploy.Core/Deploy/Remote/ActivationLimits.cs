namespace NixDeploy.Deploy.Remote;

/// <summary>
/// How long each activation step may take on a host, and the watchdog deadlines that follow from it: armed
/// before activation for the activation plus <see cref="ConfirmTimeout"/>; after activation for the health checks
/// plus <see cref="ConfirmTimeout"/>.
/// </summary>
internal sealed record ActivationLimits(TimeSpan Activation, TimeSpan ConfirmTimeout, TimeSpan HealthChecks)
{
    // switch-to-configuration is killed this long after its TERM (timeout -k).
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(5);

    public TimeSpan ArmedFor => Activation + KillGrace + ConfirmTimeout;

    public TimeSpan ConfirmWithin => HealthChecks + ConfirmTimeout;

    /// <summary>A rollback may wait for a step still running, then activates and boots the previous system.</summary>
    public TimeSpan RollbackWait => 3 * (Activation + KillGrace) + TimeSpan.FromSeconds(10);
}
