using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using CliWrap;
using CliWrap.Buffered;

namespace NixDeploy.Processes;

/// <summary>
/// Runs external commands as argument lists (never through a shell), capturing output.
/// Exit codes are returned, not thrown: callers decide which failures are errors and which code they carry.
/// </summary>
public sealed class ProcessRunner(ICommandLog log)
{
    public ICommandLog Log { get; } = log;

    /// <summary>
    /// Runs <paramref name="program"/>; throws <see cref="Win32Exception"/> only when it cannot start. Each line of its
    /// stderr also goes to <paramref name="onErrorLine"/> as it arrives (the live view of a long command).
    /// </summary>
    public async Task<ProcessResult> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default,
        Action<string>? onErrorLine = null)
    {
        Log.Command(Render(program, arguments));
        var command = Cli.Wrap(program)
            .WithArguments(arguments)
            .WithValidation(CommandResultValidation.None);
        if (workingDirectory is not null)
            command = command.WithWorkingDirectory(workingDirectory);
        if (environment is not null)
            command = command.WithEnvironmentVariables(environment);
        if (standardInput is not null)
            command = command.WithStandardInputPipe(PipeSource.FromString(standardInput));
        if (onErrorLine is not null)
            command = command.WithStandardErrorPipe(PipeTarget.ToDelegate(onErrorLine, Encoding.UTF8));

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit)
            timeoutSource.CancelAfter(limit);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var result = await command.ExecuteBufferedAsync(Encoding.UTF8, timeoutSource.Token).ConfigureAwait(false);
            return new ProcessResult(result.ExitCode, result.StandardOutput, result.StandardError, stopwatch.Elapsed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"'{program}' did not finish within {timeout!.Value.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>Whether <paramref name="program"/> can be started (on PATH or an existing path).</summary>
    public static bool CanFind(string program)
    {
        if (program.Contains('/'))
            return File.Exists(program);
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
    }

    /// <summary>A copy-pasteable rendering of a command, quoting only where needed.</summary>
    public static string Render(string program, IEnumerable<string> arguments) =>
        string.Join(' ', new[] { program }.Concat(arguments).Select(ShellQuote.QuoteForDisplay));
}
