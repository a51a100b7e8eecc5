using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using Spectre.Console;

namespace NixDeploy.Tool.Output;

/// <summary>
/// Where the tool writes: a terminal gets Spectre.Console's live table and colours; a pipe or CI log plain lines with
/// no escape codes; --json a JSON document on stdout alone. Errors always go to stderr with their ND code.
/// </summary>
public sealed class ToolConsole
{
    private ToolConsole(bool interactive, bool json, TextWriter output, TextWriter error)
    {
        Interactive = interactive;
        Json = json;
        Out = output;
        Error = error;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
    }

    public bool Interactive { get; }

    public bool Json { get; }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public IAnsiConsole Ansi { get; }

    /// <summary>The command's clock: the live view's header and the summary line both read it.</summary>
    public RunClock Clock { get; } = new();

    /// <summary>A terminal is one that is not redirected and not TERM=dumb; NO_COLOR keeps the table but drops colour.</summary>
    public static ToolConsole Create(bool json)
    {
        var interactive = !json && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not ("dumb" or null or "");
        return new ToolConsole(interactive, json, Console.Out, Console.Error);
    }

    public IProgressView ProgressView() => Json ? new SilentView() : Interactive ? new LiveTableView(Ansi, Clock) : new PlainLinesView(Out, Clock);

    /// <summary>In MSBuild's canonical form (<c>file(line,column): error CODE: message</c>, <c>file : error ...</c> without a line), which IDEs and CI log viewers link.</summary>
    public void WriteDiagnostic(Diagnostic diagnostic, bool isError = true)
    {
        var where = diagnostic.File is null ? "" : diagnostic.Line > 0 ? $"{diagnostic.File}({diagnostic.Line},{diagnostic.Column}): " : $"{diagnostic.File} : ";
        Error.WriteLine($"{where}{(isError ? "error" : "warning")} {diagnostic.Code}: {diagnostic.Message}");
    }

    /// <summary>
    /// A store path as people read it here: in a terminal "…-NAME" (the hash is what makes it wrap at 80 columns),
    /// whole in a log or pipe, where it is copied rather than read.
    /// </summary>
    public string StorePathText(string path) => Interactive && StorePath.IsValid(path) ? $"…-{StorePath.Name(path)}" : path;

    /// <summary>A file as people read it here: in a terminal relative to the current folder when it is inside it.</summary>
    public string FileText(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return Interactive && !relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative) ? relative : path;
    }

    /// <summary>
    /// A line for people (not in --json mode). In a terminal a line too long for it breaks between words, the rest
    /// indented, so a path or an address is never cut in two by the terminal's own wrapping.
    /// </summary>
    public void Line(string text)
    {
        if (Json)
            return;
        var width = Interactive ? Ansi.Profile.Width : int.MaxValue;
        while (text.Length > width && text.LastIndexOf(' ', width - 1) is var space and > 2)
        {
            Out.WriteLine(text[..space]);
            text = "  " + text[(space + 1)..];
        }
        Out.WriteLine(text);
    }
}
