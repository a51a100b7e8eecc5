using System.Globalization;
using NixDeploy.Processes;

namespace NixDeploy.Cache;

/// <summary>
/// A log appended to a file, one timestamped line per entry: the post-build hook's only output, because what a
/// hook prints lands in the middle of the user's build.
/// </summary>
public sealed class FileCommandLog(string path) : ICommandLog
{
    private readonly Lock _gate = new();

    public void Command(string displayLine) => Write("run", displayLine);

    public void Info(string message) => Write("info", message);

    public void Verbose(string message) => Write("debug", message);

    public void Warning(string code, string message) => Write("warning", $"{code}: {message}");

    public void Write(string level, string message)
    {
        var line = $"{DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} [{Environment.ProcessId}] {level}: {message.ReplaceLineEndings(" ")}\n";
        lock (_gate)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                File.AppendAllText(path, line);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unwritable log must not fail the build either: Nix shows a hook's stderr.
                Console.Error.Write($"nixdeploy post-build-hook: cannot write {path} ({e.Message}): {line}");
            }
        }
    }
}
