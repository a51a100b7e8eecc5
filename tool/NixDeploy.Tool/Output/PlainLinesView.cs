using NixDeploy.Progress;

namespace NixDeploy.Tool.Output;

/// <summary>
/// For CI logs and pipes: one plain line per step a person would want to read and per result (with the time since the
/// machine's own start), no escape codes, nothing redrawn. A machine that only was evaluated gets no line of its own,
/// and how far a step got (its detail) is for the live table only.
/// </summary>
public sealed class PlainLinesView(TextWriter output, RunClock clock) : IProgressView
{
    public async Task<T> ShowAsync<T>(string title, Func<Action<ProgressEvent>, Task<T>> work)
    {
        var board = new ProgressBoard();
        var gate = new object();
        output.WriteLine($"{title}");
        try
        {
            return await work(progress =>
            {
                var row = board.Apply(progress);
                var line = progress.Wave is { } wave ? $"{row.Name}: wave {wave}"
                    : progress.Status is { } status
                    ? row.Elapsed(progress.At) is { } elapsed ? $"{row.Name}: {status} ({RunClock.Seconds(elapsed)})" : null
                    : progress.Detail is null && StepWords.Describe(progress.Step) is { } words ? $"{row.Name}: {words}" : null;
                if (line is not null)
                    lock (gate)
                        output.WriteLine(line);
            });
        }
        finally
        {
            clock.Stop();
        }
    }
}
