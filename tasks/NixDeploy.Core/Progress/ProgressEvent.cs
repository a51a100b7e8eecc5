namespace NixDeploy.Progress;

/// <summary>
/// One line of the progress file: <paramref name="Machine"/> started <paramref name="Step"/> (evaluate, build, lock,
/// copy, activate, ...), or finished with <paramref name="Status"/> (a deploy-report status, or built/evaluated).
/// </summary>
public sealed record ProgressEvent(string Machine, string? Step, string? Status, DateTimeOffset At);
