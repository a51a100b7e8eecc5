namespace NixDeploy.Live;

/// <summary>
/// What a host runs now: <see cref="Closure"/> is <c>/run/current-system</c> (null: none), <see cref="Generation"/> the
/// system profile's generation (null: no profile). <see cref="Error"/> says why a host could not be read.
/// </summary>
public sealed record LiveState(bool Reachable, string? Closure, int? Generation, string? ErrorCode, string? Error);
