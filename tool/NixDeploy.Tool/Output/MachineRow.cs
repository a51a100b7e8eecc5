using NixDeploy.Progress;

namespace NixDeploy.Tool.Output;

/// <summary>
/// What the live view knows about one machine: its current step or final status, and its own start (its first step:
/// the fleet's evaluation, which reports every machine at once, is not the machine's work).
/// </summary>
public sealed class MachineRow(string name)
{
    public string Name { get; } = name;

    public string? Step { get; private set; }

    /// <summary>How far the current step got (builds, paths and bytes copied, a health check's attempt), when told.</summary>
    public string? Detail { get; private set; }

    public string? Status { get; private set; }

    /// <summary>The machine's wave in a deploy of several (NixDeployWaves); null otherwise.</summary>
    public int? Wave { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>Time since the machine's first step, up to its result; null before it started any.</summary>
    public TimeSpan? Elapsed(DateTimeOffset now) => StartedAt is { } started ? (FinishedAt ?? now) - started : null;

    public void Apply(ProgressEvent progress)
    {
        if (progress.Wave is { } wave)
            Wave = wave;
        else if (progress.Status is { } status)
        {
            Status = status;
            FinishedAt = progress.At;
        }
        else
        {
            StartedAt ??= progress.At;
            Step = progress.Step;
            Detail = progress.Detail;
            Status = null;
            FinishedAt = null;
        }
    }
}
