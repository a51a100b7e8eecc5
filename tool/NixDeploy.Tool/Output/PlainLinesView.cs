using NixDeploy.Progress;

namespace NixDeploy.Tool.Output;

/// <summary>For CI logs and pipes: one plain line per step and result, no escape codes, nothing redrawn.</summary>
public sealed class PlainLinesView(TextWriter output) : IProgressView
{
    public async Task<T> ShowAsync<T>(string title, Func<Action<ProgressEvent>, Task<T>> work)
    {
        var board = new ProgressBoard();
        var gate = new object();
        output.WriteLine($"{title}");
        return await work(progress =>
        {
            var row = board.Apply(progress);
            lock (gate)
                output.WriteLine(progress.Status is { } status
                    ? $"{row.Name}: {status} ({row.Elapsed(progress.At).TotalSeconds:0.0} s)"
                    : $"{row.Name}: {progress.Step}");
        });
    }
}
