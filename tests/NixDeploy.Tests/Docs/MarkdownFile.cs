using System.Text.RegularExpressions;

namespace NixDeploy.Tests.Docs;

/// <summary>
/// A Markdown file as GitHub reads it, as far as the documentation tests need: its headings' anchors, its links, and
/// the code blocks that an HTML comment marks (<c>&lt;!-- quickstart --&gt;</c> on the line before the fence).
/// Code fences are skipped when looking for headings and links.
/// </summary>
public sealed partial class MarkdownFile
{
    private readonly string[] _lines;

    private MarkdownFile(string path)
    {
        Path = path;
        _lines = File.ReadAllLines(path);
    }

    public string Path { get; }

    public static MarkdownFile Read(string path) => new(path);

    /// <summary>The anchors GitHub gives the headings: lower case, punctuation dropped, spaces as '-', repeats numbered.</summary>
    public IReadOnlySet<string> Anchors
    {
        get
        {
            var anchors = new HashSet<string>(StringComparer.Ordinal);
            foreach (var line in OutsideCode())
            {
                var heading = Heading().Match(line);
                if (!heading.Success)
                    continue;
                var slug = NotInAnchor().Replace(heading.Groups[1].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-');
                var anchor = slug;
                for (var n = 1; !anchors.Add(anchor); n++)
                    anchor = $"{slug}-{n}";
            }
            return anchors;
        }
    }

    /// <summary>Every link target outside code: <c>[text](target)</c>.</summary>
    public IEnumerable<string> Links =>
        OutsideCode().SelectMany(line => Link().Matches(CodeSpan().Replace(line, "")).Select(match => match.Groups[1].Value));

    /// <summary>The content of each fenced block whose fence follows a line <c>&lt;!-- MARKER --&gt;</c>, in order.</summary>
    public IReadOnlyList<string> MarkedBlocks(string marker)
    {
        var blocks = new List<string>();
        for (var i = 0; i < _lines.Length - 1; i++)
        {
            if (_lines[i].Trim() != $"<!-- {marker} -->" || !_lines[i + 1].StartsWith("```", StringComparison.Ordinal))
                continue;
            var end = Array.FindIndex(_lines, i + 2, line => line.StartsWith("```", StringComparison.Ordinal));
            if (end < 0)
                throw new InvalidOperationException($"{Path}: the block marked at line {i + 1} has no closing fence");
            blocks.Add(string.Join('\n', _lines[(i + 2)..end]) + "\n");
            i = end;
        }
        return blocks;
    }

    private IEnumerable<string> OutsideCode()
    {
        var inCode = false;
        foreach (var line in _lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
                inCode = !inCode;
            else if (!inCode)
                yield return line;
        }
    }

    [GeneratedRegex(@"^#{1,6} +(.+?) *#*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{Nd}\p{Mn}\p{Pc} -]")]
    private static partial Regex NotInAnchor();

    [GeneratedRegex(@"\]\(([^)\s]*)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex CodeSpan();
}
