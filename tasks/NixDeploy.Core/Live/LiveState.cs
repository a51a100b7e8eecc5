namespace NixDeploy.Live;

/// <summary>
/// What a host runs now: <see cref="Closure"/> is <c>/run/current-system</c> (null: none), <see cref="Generation"/> the
/// system profile's generation (null: no profile). <see cref="Watchdog"/>: what became of the newest deploy that was not
/// confirmed, when there is one (see <see cref="DeployWatchdog"/>). <see cref="Error"/> says why a host could not be read.
/// </summary>
public sealed record LiveState(bool Reachable, string? Closure, int? Generation, string? ErrorCode, string? Error, DeployWatchdog? Watchdog = null)
{
    /// <summary>Whether the live system is a deploy not yet confirmed, which its watchdog rolls back at its deadline.</summary>
    public bool Unconfirmed => Watchdog?.State is WatchdogState.Pending or WatchdogState.Unconfirmed;
}
