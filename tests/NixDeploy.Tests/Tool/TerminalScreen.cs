using System.Text;

namespace NixDeploy.Tests.Tool;

/// <summary>
/// What a terminal of a given width shows after a program wrote <c>output</c> to it: the part of VT100 that
/// Spectre.Console's live display and tables use (cursor moves, erasing, colours ignored). A line the terminal had to
/// continue because text reached its right edge is counted in <see cref="WrappedLines"/>.
/// </summary>
public sealed class TerminalScreen
{
    private readonly int _width;
    private readonly List<StringBuilder> _lines = [new()];
    private readonly HashSet<int> _wrapped = [];
    private int _row;
    private int _column;

    private TerminalScreen(int width) => _width = width;

    public IReadOnlyList<string> Lines => _lines.Select(line => line.ToString().TrimEnd()).ToList();

    /// <summary>The screen's lines that the terminal continued on the next one, as they stand at the end.</summary>
    public IReadOnlyList<string> WrappedLines => _wrapped.Order().Select(row => Lines[row]).ToList();

    public string Text => string.Join('\n', Lines);

    public static TerminalScreen Render(string output, int width)
    {
        var screen = new TerminalScreen(width);
        for (var i = 0; i < output.Length; i++)
        {
            var c = output[i];
            if (c == '\u001b' && i + 1 < output.Length)
                i = screen.Escape(output, i + 1);
            else if (c == '\r')
                screen._column = 0;
            else if (c == '\n')
                screen.MoveTo(screen._row + 1, screen._column);
            else if (c == '\b')
                screen._column = Math.Max(0, screen._column - 1);
            else if (!char.IsControl(c))
                screen.Put(c);
        }
        return screen;
    }

    private void Put(char c)
    {
        if (_column >= _width)
        {
            _wrapped.Add(_row);
            MoveTo(_row + 1, 0);
        }
        var line = _lines[_row];
        if (line.Length < _column)
            line.Append(' ', _column - line.Length);
        if (line.Length == _column)
            line.Append(c);
        else
            line[_column] = c;
        _column++;
    }

    private void MoveTo(int row, int column)
    {
        _row = Math.Max(0, row);
        while (_lines.Count <= _row)
            _lines.Add(new StringBuilder());
        _column = Math.Clamp(column, 0, _width);
    }

    /// <summary>Applies the escape sequence after ESC at <paramref name="start"/>; returns the index of its last character.</summary>
    private int Escape(string output, int start)
    {
        switch (output[start])
        {
            case '[':
                var end = start + 1;
                while (end < output.Length && output[end] is < '@' or > '~')
                    end++;
                if (end < output.Length)
                    Csi(output[(start + 1)..end], output[end]);
                return end;
            case ']':
                // An operating-system command (title, link) runs to BEL or ESC \.
                var close = start + 1;
                while (close < output.Length && output[close] != '\u0007' && !(output[close] == '\\' && output[close - 1] == '\u001b'))
                    close++;
                return close;
            default:
                return start;
        }
    }

    private void Csi(string parameters, char command)
    {
        if (parameters.StartsWith('?'))
            return;
        var numbers = parameters.Split(';').Select(p => int.TryParse(p, out var n) ? n : 0).ToArray();
        int Count() => Math.Max(1, numbers.FirstOrDefault());
        switch (command)
        {
            case 'A': MoveTo(_row - Count(), _column); break;
            case 'B': MoveTo(_row + Count(), _column); break;
            case 'C': MoveTo(_row, _column + Count()); break;
            case 'D': MoveTo(_row, _column - Count()); break;
            case 'E': MoveTo(_row + Count(), 0); break;
            case 'F': MoveTo(_row - Count(), 0); break;
            case 'G': MoveTo(_row, Count() - 1); break;
            case 'K': EraseLine(numbers.FirstOrDefault()); break;
            case 'J': EraseBelow(); break;
        }
    }

    private void EraseLine(int mode)
    {
        var line = _lines[_row];
        switch (mode)
        {
            case 0:
                if (line.Length > _column)
                    line.Length = _column;
                break;
            case 1:
                for (var i = 0; i <= Math.Min(_column, line.Length - 1); i++)
                    line[i] = ' ';
                break;
            default:
                line.Clear();
                break;
        }
        _wrapped.Remove(_row);
    }

    private void EraseBelow()
    {
        EraseLine(0);
        for (var row = _row + 1; row < _lines.Count; row++)
        {
            _lines[row].Clear();
            _wrapped.Remove(row);
        }
    }
}
