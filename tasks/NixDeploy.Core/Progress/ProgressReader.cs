using System.Text;
using System.Text.Json;

namespace NixDeploy.Progress;

/// <summary>Reads the complete lines appended to a progress file since the last call (a <c>tail -f</c> in steps).</summary>
public sealed class ProgressReader(string path)
{
    private long _offset;
    private readonly StringBuilder _partial = new();

    public IReadOnlyList<ProgressEvent> ReadNew()
    {
        if (!File.Exists(path))
            return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length <= _offset)
            return [];
        stream.Seek(_offset, SeekOrigin.Begin);
        var buffer = new byte[stream.Length - _offset];
        stream.ReadExactly(buffer);
        _offset += buffer.Length;
        _partial.Append(Encoding.UTF8.GetString(buffer));

        var text = _partial.ToString();
        var lastNewline = text.LastIndexOf('\n');
        if (lastNewline < 0)
            return [];
        _partial.Clear().Append(text[(lastNewline + 1)..]);
        var events = new List<ProgressEvent>();
        foreach (var line in text[..lastNewline].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                if (JsonSerializer.Deserialize(line, ProgressJsonContext.Compact.ProgressEvent) is { } progress)
                    events.Add(progress);
            }
            catch (JsonException)
            {
                // A line from another writer version: progress is advisory, the report is the truth.
            }
        }
        return events;
    }
}
