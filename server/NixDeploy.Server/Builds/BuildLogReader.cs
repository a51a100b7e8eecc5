using System.Runtime.CompilerServices;
using System.Text;

namespace NixDeploy.Server.Builds;

/// <summary>A build's log as its readers see it: the last lines, or every line followed until the build ends.</summary>
public sealed class BuildLogReader(BuildFolders folders, BuildRunner runner)
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The last <paramref name="count"/> lines (all with null); none when the build wrote no log.</summary>
    public IReadOnlyList<string> LastLines(string id, int? count)
    {
        var file = folders.Log(id);
        if (!File.Exists(file))
            return [];
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = reader.ReadToEnd().Split('\n');
        // The text ends with a newline: the last element is empty.
        var complete = lines.Take(lines.Length - 1).ToList();
        return count is { } n ? complete.TakeLast(n).ToList() : complete;
    }

    /// <summary>
    /// Every complete line from the start, then each new one as the running build writes it; ends once the build has
    /// ended and its last line was read.
    /// </summary>
    public async IAsyncEnumerable<string> FollowAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var file = folders.Log(id);
        var pending = new StringBuilder();
        var buffer = new char[8192];
        while (!File.Exists(file) && runner.IsRunning(id))
            await Task.Delay(FollowInterval, cancellationToken);
        if (!File.Exists(file))
            yield break;
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (true)
        {
            // Asked before reading: a build that ended before this read has written its last line.
            var running = runner.IsRunning(id);
            int read;
            while ((read = await reader.ReadAsync(buffer, cancellationToken)) > 0)
            {
                pending.Append(buffer, 0, read);
                var text = pending.ToString();
                var end = text.LastIndexOf('\n');
                if (end < 0)
                    continue;
                foreach (var line in text[..end].Split('\n'))
                    yield return line;
                pending.Clear().Append(text[(end + 1)..]);
            }
            if (!running)
                yield break;
            await Task.Delay(FollowInterval, cancellationToken);
        }
    }
}
