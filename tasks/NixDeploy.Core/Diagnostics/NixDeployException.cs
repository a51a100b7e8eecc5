namespace NixDeploy.Diagnostics;

/// <summary>
/// One problem the user can act on: a code, what is wrong and what to fix, and the file at fault; with the line and
/// column there (1-based) when they are known, so IDEs and CI log viewers link to the place.
/// </summary>
public sealed record Diagnostic(string Code, string Message, string? File = null, int Line = 0, int Column = 0);

/// <summary>
/// A failure made of one or more <see cref="Diagnostic"/>s. Hosts (MSBuild tasks, the tool) print each as one
/// line with its code, never with a stack trace.
/// </summary>
public sealed class NixDeployException : Exception
{
    public NixDeployException(string code, string message, string? file = null, Exception? inner = null)
        : this([new Diagnostic(code, message, file)], inner)
    {
    }

    public NixDeployException(IReadOnlyList<Diagnostic> diagnostics, Exception? inner = null)
        : base(string.Join(Environment.NewLine, diagnostics.Select(d => $"{d.Code}: {d.Message}")), inner)
    {
        if (diagnostics.Count == 0)
            throw new ArgumentException("A failure needs at least one diagnostic.", nameof(diagnostics));
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public string Code => Diagnostics[0].Code;
}
