using System.Text;

namespace NixDeploy.Server.Builds;

/// <summary>
/// A running build's log file, written line by line and flushed at once so that readers (the log endpoints) see each
/// line as it comes; it also keeps the text to find the build's ND code.
/// </summary>
public sealed class BuildLog(string path) : IAsyncDisposable
{
    private readonly StreamWriter _writer = new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true };
    private readonly StringBuilder _text = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Text
    {
        get
        {
            lock (_text)
                return _text.ToString();
        }
    }

    public async Task WriteLineAsync(string line)
    {
        await _gate.WaitAsync();
        try
        {
            lock (_text)
                _text.AppendLine(line);
            await _writer.WriteLineAsync(line);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        _gate.Dispose();
    }
}
