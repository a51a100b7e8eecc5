using System.ComponentModel;
using NixDeploy.Diagnostics;
using NixDeploy.Processes;

namespace NixDeploy.Ssh;

/// <summary>
/// Runs commands on one host over ssh. A remote command is a list of words; this is the one place they become
/// a command line, each word quoted for the remote POSIX shell.
/// </summary>
/// <remarks>Calls share the host's connection (<see cref="SshControlSocket"/>) where the machine allows it.</remarks>
public sealed class SshClient(SshOptions options, SshTarget target, ICommandLog log)
{
    public ICommandLog Log { get; } = log;

    /// <summary>ssh's own exit code when it could not connect or authenticate (a remote command never uses it here).</summary>
    public const int UnreachableExitCode = 255;

    // Logged by this class with a short display form: agent scripts are too long to print on every call.
    private readonly ProcessRunner _runner = new(NullCommandLog.Instance);

    public SshOptions Options { get; } = options;

    public SshTarget Target { get; } = target;

    public string? ControlPath { get; } = SshControlSocket.PathFor(options, target);

    /// <summary>
    /// Runs <paramref name="words"/> on the host, with <paramref name="standardInput"/> as its stdin;
    /// <paramref name="display"/> is what the log shows of them. Over the host's shared connection when one is open.
    /// </summary>
    public async Task<ProcessResult> RunAsync(
        IReadOnlyList<string> words, string display, TimeSpan? timeout, CancellationToken cancellationToken, string? standardInput = null)
    {
        Log.Command($"ssh {Target} {display}");
        try
        {
            return await _runner.RunAsync(Options.Executable, Arguments(words), standardInput: standardInput, timeout: timeout, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Win32Exception)
        {
            throw Missing();
        }
    }

    /// <summary>The full ssh argument list for <paramref name="words"/>.</summary>
    public IReadOnlyList<string> Arguments(IReadOnlyList<string> words) =>
        [.. SshArguments.Options(Options, Target, ControlPath), "--", Target.Destination, ShellQuote.Join(words)];

    public NixDeployException Unreachable(ProcessResult result) => new(ErrorCodes.HostUnreachable,
        $"{Target} cannot be reached over SSH: {FirstLine(result.StandardError)}. Check that the host is up, that its address and port in the blueprint are right, and that NixDeploySshIdentityFile and NixDeploySshKnownHostsFile match it.");

    public NixDeployException Missing() => new(ErrorCodes.InvalidSshOption,
        $"The ssh client '{Options.Executable}' was not found: install OpenSSH's client (on Debian: 'apt-get install openssh-client').");

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return string.IsNullOrEmpty(line) ? "ssh gave no reason" : line.TrimEnd('.');
    }
}
