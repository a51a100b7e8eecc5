namespace NixDeploy.Progress;

/// <summary>
/// One line of the progress file: <paramref name="Machine"/> started <paramref name="Step"/> (evaluate, build, lock,
/// copy, activate, ...), or finished with <paramref name="Status"/> (a deploy-report status, or built/evaluated).
/// A step's <paramref name="Detail"/> says how far it got ("3/7 built, building foo", "2/5 paths, 1.2 MiB", a health
/// check's attempt); it updates the step the machine is in and starts no new one. An event with only a
/// <paramref name="Wave"/> says which wave of a deploy in several (NixDeployWaves) the machine is in; it starts nothing.
/// </summary>
public sealed record ProgressEvent(string Machine, string? Step, string? Status, DateTimeOffset At, string? Detail = null, int? Wave = null);
