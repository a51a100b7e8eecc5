using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NixDeploy.Nix;

/// <summary>
/// Reads what Nix writes to stderr under <c>--log-format internal-json</c> (lines <c>@nix {...}</c>), line by line as
/// it arrives: builds done of expected and the derivations building now, store paths and bytes copied, reported
/// through <paramref name="onChange"/> (at most every 200 ms unless a count changes, so a large copy does not flood
/// the progress file); the paths a copy copied; and Nix's messages, also as the plain text it would have printed.
/// Without <paramref name="onChange"/> (a log read after the fact) nobody hears the counts, so the events that only
/// move them (progress results and stops, most of a large copy's lines) are skipped unparsed.
/// With <paramref name="narSizes"/> (the local NAR size of every path the copy may copy) a copy counts bytes even where
/// Nix reports none (Nix 2.8): a path whose copy stopped counts its whole NAR. The total is exact once every path of
/// "copying N paths" has started (Nix names no path up front, and skips the ones the destination has); until then it
/// is the sum of all of <paramref name="narSizes"/>, an upper bound.
/// </summary>
public sealed partial class NixActivityLog(Action<NixActivity>? onChange, IReadOnlyDictionary<string, long>? narSizes = null)
{
    /// <summary>Nix's global options that make it write this format.</summary>
    public static IReadOnlyList<string> Arguments { get; } = ["--log-format", "internal-json"];

    // Nix's activity and result types and its default verbosity (libutil/logging.hh).
    private const int CopyPath = 100, CopyPaths = 103, Builds = 104, Build = 105;
    private const int BuildLogLine = 101, Progress = 105;
    private const int LogTailLines = 10;
    private const int InfoLevel = 3;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private readonly StringBuilder _text = new();
    private readonly List<string> _messages = [];
    private readonly List<string> _copiedPaths = [];
    private readonly HashSet<string> _copiedSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<long, int> _types = [];
    private readonly Dictionary<long, string> _building = [];
    private readonly Dictionary<long, long> _copied = [];
    private readonly Dictionary<long, string> _copying = [];
    private readonly long _bytesBound = narSizes?.Values.Sum() ?? 0;
    private readonly Dictionary<string, Queue<string>> _logTails = new(StringComparer.Ordinal);
    private readonly Dictionary<long, string> _derivations = [];
    private readonly Stopwatch _sinceReport = Stopwatch.StartNew();
    private NixActivity _reported = NixActivity.None;
    private int _buildsDone, _buildsExpected, _pathsDone, _pathsExpected;
    private long _bytesCopied, _bytesStarted;

    /// <summary>What Nix's plain format would have printed: its messages and the activities it shows by default.</summary>
    public string Text => _text.ToString();

    /// <summary>Nix's messages (errors and warnings) without colours, and any line that was not JSON.</summary>
    public string MessageText => string.Join(Environment.NewLine, _messages);

    /// <summary>Every path Nix started copying, in order, each once.</summary>
    public IReadOnlyList<string> CopiedPaths => _copiedPaths;

    /// <summary>A whole stderr read after the fact.</summary>
    public static NixActivityLog Parse(string standardError)
    {
        var log = new NixActivityLog(null);
        log.ReadAll(standardError);
        return log;
    }

    /// <summary>A whole stderr read after the fact, into a log made without a listener (made while the command ran).</summary>
    public void ReadAll(string standardError)
    {
        foreach (var line in standardError.Split('\n'))
            Line(line.TrimEnd('\r'));
    }

    public void Line(string line)
    {
        if (line.Length == 0)
            return;
        if (!line.StartsWith("@nix ", StringComparison.Ordinal))
        {
            Message(line);
            return;
        }
        // Nix writes the keys in order ("action" first); a build's log lines are kept for a failed builder's message.
        if (onChange is null && (line.StartsWith("@nix {\"action\":\"stop\"", StringComparison.Ordinal)
            || (line.StartsWith("@nix {\"action\":\"result\"", StringComparison.Ordinal) && !line.EndsWith($"\"type\":{BuildLogLine}}}", StringComparison.Ordinal))))
            return;
        try
        {
            using var document = JsonDocument.Parse(line.AsMemory(5));
            Apply(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            Message(line);
        }
    }

    private void Message(string text)
    {
        _messages.Add(text);
        _text.AppendLine(text);
    }

    private void Apply(JsonElement entry)
    {
        var action = entry.GetProperty("action").GetString();
        if (action == "msg")
        {
            if (entry.GetProperty("msg").GetString() is { Length: > 0 } message)
                Message(WithLogTail(Colour().Replace(message, "")));
            return;
        }
        var id = entry.GetProperty("id").GetInt64();
        switch (action)
        {
            case "start":
                Start(id, entry);
                break;
            case "stop":
                _building.Remove(id);
                if (_types.GetValueOrDefault(id) == CopyPath)
                {
                    _pathsDone++;
                    if (_copying.TryGetValue(id, out var copiedPath) && narSizes?.TryGetValue(copiedPath, out var narSize) == true)
                        Copied(id, narSize);
                }
                break;
            case "result" when entry.GetProperty("type").GetInt32() == BuildLogLine && Fields(entry) is [{ ValueKind: JsonValueKind.String } logLine, ..]
                && _derivations.TryGetValue(id, out var derivation):
                var tail = _logTails[derivation];
                tail.Enqueue(logLine.GetString()!);
                if (tail.Count > LogTailLines)
                    tail.Dequeue();
                break;
            case "result" when entry.GetProperty("type").GetInt32() == Progress && Fields(entry) is [var done, var expected, ..]:
                if (_types.GetValueOrDefault(id) == Builds)
                    (_buildsDone, _buildsExpected) = (done.GetInt32(), expected.GetInt32());
                else if (_types.GetValueOrDefault(id) == CopyPath)
                    Copied(id, done.GetInt64());
                break;
        }
        Report();
    }

    private void Start(long id, JsonElement entry)
    {
        var type = entry.GetProperty("type").GetInt32();
        var text = entry.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
        _types[id] = type;
        // As Nix's plain format prints an activity of its default verbosity or below: "copying path '…'...".
        if (entry.GetProperty("level").GetInt32() <= InfoLevel && text.Length > 0)
            _text.AppendLine(text + "...");
        var path = Fields(entry) is [{ ValueKind: JsonValueKind.String } first, ..] ? first.GetString()! : null;
        switch (type)
        {
            case Build when path is not null:
                _derivations[id] = path;
                _logTails[path] = new Queue<string>();
                _building[id] = StorePath.IsValid(path) && path.EndsWith(".drv", StringComparison.Ordinal) ? StorePath.Name(path)[..^4] : path;
                break;
            case CopyPath:
                Copied(id, 0);
                if (path is not null && _copiedSeen.Add(path))
                {
                    _copiedPaths.Add(path);
                    _copying[id] = path;
                    _bytesStarted += narSizes?.GetValueOrDefault(path) ?? 0;
                }
                break;
            // Only a listener hears how many paths are expected.
            case CopyPaths when onChange is not null && CopyingPaths().Match(text) is { Success: true } match:
                _pathsExpected += int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                break;
        }
    }

    /// <summary>
    /// A failed builder's message with its last log lines, as Nix's plain format writes it (its JSON format sends the
    /// lines as results instead, and the build's error is read from them).
    /// </summary>
    private string WithLogTail(string message) =>
        BuilderFailed().Match(message) is { Success: true } match && _logTails.TryGetValue(match.Groups[1].Value, out var tail) && tail.Count > 0
            ? $"{message}{Environment.NewLine}       last {tail.Count} log lines:{Environment.NewLine}{string.Join(Environment.NewLine, tail.Select(line => $"       > {line}"))}"
            : message;

    /// <summary>Activity <paramref name="id"/> has copied <paramref name="bytes"/> so far (Nix reports each copy's total, not increments).</summary>
    private void Copied(long id, long bytes)
    {
        _bytesCopied += bytes - _copied.GetValueOrDefault(id);
        _copied[id] = bytes;
    }

    private void Report()
    {
        if (onChange is null)
            return;
        var allStarted = _copiedPaths.Count >= _pathsExpected;
        var bytesExpected = _pathsExpected == 0 ? 0 : allStarted ? _bytesStarted : _bytesBound;
        var now = new NixActivity(_buildsDone, _buildsExpected, _building.Values.FirstOrDefault(), _pathsDone, _pathsExpected, _bytesCopied,
            bytesExpected, bytesExpected > 0 && !allStarted);
        if (now == _reported || (now with { BytesCopied = _reported.BytesCopied } == _reported && _sinceReport.Elapsed < Interval))
            return;
        _reported = now;
        _sinceReport.Restart();
        onChange(now);
    }

    private static JsonElement[] Fields(JsonElement entry) =>
        entry.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Array ? [.. fields.EnumerateArray()] : [];

    [GeneratedRegex(@"\u001b\[[0-9;]*m")]
    private static partial Regex Colour();

    [GeneratedRegex(@"builder for '(/nix/store/[^']+\.drv)' failed")]
    private static partial Regex BuilderFailed();

    [GeneratedRegex(@"^copying (\d+) paths")]
    private static partial Regex CopyingPaths();
}
