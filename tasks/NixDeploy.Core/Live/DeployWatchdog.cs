namespace NixDeploy.Live;

/// <summary>
/// A host's deploy that was never confirmed (its deployer was stopped or vanished after activating), as the host
/// keeps it under /run until it reboots: <see cref="Deadline"/> is when a <see cref="WatchdogState.Pending"/> watchdog
/// rolls it back, read as seconds left on the host and placed on this machine's clock.
/// </summary>
public sealed record DeployWatchdog(WatchdogState State, DateTimeOffset? Deadline)
{
    /// <summary>The host's answer (Host/live.sh's <c>watchdog</c> and <c>watchdog-left</c>), null when every deploy was confirmed.</summary>
    public static DeployWatchdog? Parse(string? state, string? secondsLeft, DateTimeOffset now) => state switch
    {
        null or "" => null,
        "pending" => new DeployWatchdog(WatchdogState.Pending,
            long.TryParse(secondsLeft, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var left) ? now.AddSeconds(left) : null),
        "rolled-back" => new DeployWatchdog(WatchdogState.RolledBack, null),
        "rollback-failed" => new DeployWatchdog(WatchdogState.RollbackFailed, null),
        _ => new DeployWatchdog(WatchdogState.Unconfirmed, null),
    };

    /// <summary>For people: "pending rollback at 15:04:05 UTC", "rolled back", ...</summary>
    public override string ToString() => State switch
    {
        WatchdogState.Pending => Deadline is { } at ? $"pending rollback at {at.ToUniversalTime():HH:mm:ss} UTC" : "pending rollback",
        WatchdogState.RolledBack => "rolled back by its watchdog",
        WatchdogState.RollbackFailed => "its watchdog's rollback failed",
        _ => "unconfirmed, no watchdog (autoRollback off)",
    };
}

public enum WatchdogState
{
    /// <summary>Armed: the host rolls back at the deadline unless the deploy is confirmed.</summary>
    Pending,

    /// <summary>The watchdog rolled the host back to the system before the deploy.</summary>
    RolledBack,

    /// <summary>The watchdog tried and failed: its watchdog.log on the host says why.</summary>
    RollbackFailed,

    /// <summary>Activated without a watchdog (autoRollback off) and never confirmed.</summary>
    Unconfirmed,
}
