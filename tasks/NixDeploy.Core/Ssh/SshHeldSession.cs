using System.ComponentModel;
using System.Text;
using CliWrap;

namespace NixDeploy.Ssh;

/// <summary>
/// A remote command that lives as long as the deployer holds it: its stdin stays open until <see cref="DisposeAsync"/>
/// (or until the deployer process dies, when the OS closes the pipe). What the remote side holds — a lock —
/// ends with the session, so it cannot outlive the deployer.
/// </summary>
public sealed class SshHeldSession : IAsyncDisposable
{
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _kill = new();
    private readonly StringBuilder _standardError = new();
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _readyPrefix;
    // The exit code once the session has ended and all it printed is read (ssh's 255 when the connection was lost).
    private readonly Task<int> _exit;

    private SshHeldSession(SshClient client, IReadOnlyList<string> words, string readyPrefix)
    {
        _readyPrefix = readyPrefix;
        _exit = Cli.Wrap(client.Options.Executable)
            .WithArguments(client.Arguments(words))
            .WithStandardInputPipe(PipeSource.Create((_, cancellationToken) => _release.Task.WaitAsync(cancellationToken)))
            .WithStandardOutputPipe(PipeTarget.ToDelegate(OnLine))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(_standardError))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(_kill.Token)
            .Task
            .ContinueWith(process => process.IsCompletedSuccessfully ? process.Result.ExitCode : SshClient.UnreachableExitCode, TaskScheduler.Default);
    }

    /// <summary>Lines the remote command printed so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
                return [.. _lines];
        }
    }

    /// <summary>False once the session ended on its own (connection lost, remote side exited).</summary>
    public bool IsAlive => !_exit.IsCompleted;

    public string StandardError => _standardError.ToString();

    /// <summary>
    /// Starts <paramref name="words"/> on the host and waits until it prints a line starting with
    /// <paramref name="readyPrefix"/>, or ends. <see cref="ExitCode"/> says which: it is null while the session is held.
    /// </summary>
    public static async Task<SshHeldSession> StartAsync(SshClient client, IReadOnlyList<string> words, string display, string readyPrefix, TimeSpan timeout, CancellationToken cancellationToken)
    {
        client.Log.Command($"ssh {client.Target} {display}");
        SshHeldSession session;
        try
        {
            session = new SshHeldSession(client, words, readyPrefix);
        }
        catch (Win32Exception)
        {
            throw client.Missing();
        }
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await Task.WhenAny(session._ready.Task, session._exit).WaitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
                throw;
            throw new TimeoutException($"'ssh {client.Target} {display}' did not answer within {timeout.TotalSeconds:0} s.");
        }
        return session;
    }

    /// <summary>The exit code when the session has ended, null while it is held.</summary>
    public int? ExitCode => _exit.IsCompleted ? _exit.Result : null;

    /// <summary>Closes the remote command's stdin, which ends it, and waits for the session to end (ending it if it will not).</summary>
    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        try
        {
            await _exit.WaitAsync(ExitGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _kill.Cancel();
        }
        await _exit.ConfigureAwait(false);
        _kill.Dispose();
    }

    private void OnLine(string line)
    {
        lock (_lines)
            _lines.Add(line);
        if (line.StartsWith(_readyPrefix, StringComparison.Ordinal))
            _ready.TrySetResult();
    }
}
