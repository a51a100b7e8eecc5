using NixDeploy.Progress;

namespace NixDeploy.Tool.Output;

/// <summary>What the live view knows about one machine: its current step or final status, and since when.</summary>
public sealed class MachineRow(string name, DateTimeOffset firstSeen)
{
    public string Name { get; } = name;

    public string? Step { get; private set; }

    public string? Status { get; private set; }

    public DateTimeOffset FirstSeen { get; } = firstSeen;

    public DateTimeOffset? FinishedAt { get; private set; }

    public TimeSpan Elapsed(DateTimeOffset now) => (FinishedAt ?? now) - FirstSeen;

    public void Apply(ProgressEvent progress)
    {
        if (progress.Status is { } status)
        {
            Status = status;
            FinishedAt = progress.At;
        }
        else
        {
            Step = progress.Step;
            Status = null;
            FinishedAt = null;
        }
    }
}
