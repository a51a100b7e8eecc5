using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.Tool.Json;
using NixDeploy.Tool.Output;

namespace NixDeploy.Tool.Cli;

/// <summary>
/// Runs a command's body and turns what escapes it into coded errors and the documented exit codes: never a stack
/// trace. With --json a failure is also a JSON document on stdout.
/// </summary>
public static class CommandHandler
{
    public static async Task<int> RunAsync(bool json, Func<ToolConsole, Task<int>> body)
    {
        var console = ToolConsole.Create(json);
        try
        {
            return await body(console);
        }
        catch (NixDeployException e)
        {
            return Fail(console, e.Diagnostics);
        }
        catch (OperationCanceledException)
        {
            console.Error.WriteLine("Cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Fail(console, [new Diagnostic(ErrorCodes.InternalError,
                $"dotnet nixdeploy failed unexpectedly ({e.GetType().Name}: {e.Message}). This is a bug: please report it with the command line.")]);
        }
    }

    /// <summary>Prints the errors (and with --json their document) and returns the exit code they mean.</summary>
    public static int Fail(ToolConsole console, IReadOnlyList<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
            console.WriteDiagnostic(diagnostic);
        var exitCode = ExitCodeClassifier.For(diagnostics.Select(d => d.Code));
        if (console.Json)
            console.Out.WriteLine(JsonSerializer.Serialize(
                new FailureDocument(exitCode, diagnostics.Select(d => new DiagnosticDocument(d.Code, d.Message, d.File)).ToList()),
                ToolJsonContext.Default.FailureDocument));
        return exitCode;
    }
}
