using NixDeploy.Diagnostics;
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

    /// <summary>A terminal is one that is not redirected and not TERM=dumb; NO_COLOR keeps the table but drops colour.</summary>
    public static ToolConsole Create(bool json)
    {
        var interactive = !json && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not ("dumb" or null or "");
        return new ToolConsole(interactive, json, Console.Out, Console.Error);
    }

    public IProgressView ProgressView() => Json ? new SilentView() : Interactive ? new LiveTableView(Ansi) : new PlainLinesView(Out);

    /// <summary>In MSBuild's canonical form (<c>file(line,column): error CODE: message</c>, <c>file : error ...</c> without a line), which IDEs and CI log viewers link.</summary>
    public void WriteDiagnostic(Diagnostic diagnostic, bool isError = true)
    {
        var where = diagnostic.File is null ? "" : diagnostic.Line > 0 ? $"{diagnostic.File}({diagnostic.Line},{diagnostic.Column}): " : $"{diagnostic.File} : ";
        Error.WriteLine($"{where}{(isError ? "error" : "warning")} {diagnostic.Code}: {diagnostic.Message}");
    }

    /// <summary>A line for people (not in --json mode).</summary>
    public void Line(string text)
    {
        if (!Json)
            Out.WriteLine(text);
    }
}
