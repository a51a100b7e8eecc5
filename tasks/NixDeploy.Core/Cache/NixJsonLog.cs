using System.Text.Json;

namespace NixDeploy.Cache;

/// <summary>
/// Reads what Nix printed with <c>--log-format internal-json</c> (lines <c>@nix {...}</c>): the paths a
/// <c>nix copy</c> copied (activity type 100, actCopyPath), and its messages for error reports.
/// </summary>
public sealed class NixJsonLog
{
    private const string Prefix = "@nix ";
    private const int CopyPathActivity = 100;

    private NixJsonLog(IReadOnlyList<string> copiedPaths, IReadOnlyList<string> messages)
    {
        CopiedPaths = copiedPaths;
        Messages = messages;
    }

    /// <summary>Every path Nix started copying, in order, each once.</summary>
    public IReadOnlyList<string> CopiedPaths { get; }

    /// <summary>Nix's messages (errors and warnings), and any line that was not JSON.</summary>
    public IReadOnlyList<string> Messages { get; }

    public string MessageText => string.Join(Environment.NewLine, Messages);

    public static NixJsonLog Parse(string standardError)
    {
        var copied = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var messages = new List<string>();
        foreach (var raw in standardError.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
                continue;
            if (!line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                messages.Add(line);
                continue;
            }
            // Most lines are progress events; only copies and messages are parsed.
            if (!line.Contains("\"type\":100", StringComparison.Ordinal) && !line.Contains("\"action\":\"msg\"", StringComparison.Ordinal))
                continue;
            try
            {
                using var document = JsonDocument.Parse(line.AsMemory(Prefix.Length));
                var entry = document.RootElement;
                var action = entry.TryGetProperty("action", out var a) ? a.GetString() : null;
                if (action == "msg" && entry.TryGetProperty("msg", out var msg) && msg.GetString() is { Length: > 0 } text)
                    messages.Add(text);
                else if (action == "start"
                    && entry.TryGetProperty("type", out var type) && type.TryGetInt32(out var kind) && kind == CopyPathActivity
                    && entry.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Array && fields.GetArrayLength() > 0
                    && fields[0].GetString() is { } path && seen.Add(path))
                    copied.Add(path);
            }
            catch (JsonException)
            {
                messages.Add(line);
            }
        }
        return new NixJsonLog(copied, messages);
    }
}
