using System.Text.Json;

namespace NixDeploy.Progress;

/// <summary>
/// Appends <see cref="ProgressEvent"/>s as JSON lines to the file named by <c>NixDeployProgressFile</c>, which the tool
/// tails to show what a running build is doing. With no file it does nothing, so the tasks call it unconditionally.
/// </summary>
public sealed class ProgressWriter(string? path)
{
    public static readonly ProgressWriter None = new(null);

    private readonly object _gate = new();

    /// <summary>Whether a file is written: without one, a caller need not gather the details it would report.</summary>
    public bool Enabled => !string.IsNullOrEmpty(path);

    public void Step(string machine, string step) => Append(new ProgressEvent(machine, step, null, DateTimeOffset.UtcNow));

    /// <summary>How far <paramref name="machine"/> got in <paramref name="step"/>, which it is already in.</summary>
    public void Detail(string machine, string step, string detail) => Append(new ProgressEvent(machine, step, null, DateTimeOffset.UtcNow, detail));

    /// <summary>The wave <paramref name="machine"/> is in, before any machine starts.</summary>
    public void Wave(string machine, int wave) => Append(new ProgressEvent(machine, null, null, DateTimeOffset.UtcNow, Wave: wave));

    public void Finished(string machine, string status) => Append(new ProgressEvent(machine, null, status, DateTimeOffset.UtcNow));

    private void Append(ProgressEvent progress)
    {
        if (string.IsNullOrEmpty(path))
            return;
        var line = JsonSerializer.Serialize(progress, ProgressJsonContext.Compact.ProgressEvent) + "\n";
        // Machines deploy in parallel; one line per write keeps every line whole for the reader.
        lock (_gate)
        {
            try
            {
                File.AppendAllText(path, line);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Progress is a display aid: a reader that went away must not fail a deploy.
            }
        }
    }
}
