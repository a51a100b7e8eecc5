using System.Globalization;
using NixDeploy.Blueprint;
using NixDeploy.Deploy.Remote;
using NixDeploy.Diagnostics;
using NixDeploy.Host;
using NixDeploy.Processes;
using NixDeploy.Ssh;

namespace NixDeploy.Live;

/// <summary>
/// One host's live system, read or rolled back over the same SSH options as a deploy. Every word goes through
/// <see cref="SshClient"/>, which quotes it for the remote shell.
/// </summary>
public sealed class LiveHost(string machine, DeploymentSpec deployment, SshOptions options, ICommandLog log)
{
    private static readonly TimeSpan Overhead = TimeSpan.FromSeconds(30);

    private readonly SshClient _ssh = new(options, SshTarget.From(machine, deployment, null), log);

    public string Machine { get; } = machine;

    public SshClient Ssh => _ssh;

    /// <summary>The live closure and generation; an unreachable host is a result, not an exception.</summary>
    public async Task<LiveState> ReadAsync(CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            result = await RunAsync(["state"], "state", TimeSpan.FromSeconds(options.ConnectTimeoutSeconds) + Overhead, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            return new LiveState(false, null, null, ErrorCodes.HostUnreachable, $"{_ssh.Target} stopped answering: {e.Message}");
        }
        if (result.ExitCode == SshClient.UnreachableExitCode)
            return new LiveState(false, null, null, ErrorCodes.HostUnreachable, _ssh.Unreachable(result).Diagnostics[0].Message);
        if (result.ExitCode == HostProtocol.Exit.EscalationRefused)
            return new LiveState(true, null, null, ErrorCodes.PrivilegeEscalationRefused, HostEscalation.Refused(_ssh.Target, result.StandardError).Diagnostics[0].Message);
        var values = KeyValues.Parse(result.StandardOutput);
        if (result.ExitCode != HostProtocol.Exit.Ok || !values.ContainsKey("current"))
            return new LiveState(true, null, null, ErrorCodes.RemoteAgentFailed,
                $"Reading the live system of {Machine} failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
        return new LiveState(true, Empty(values["current"]), Generation(values.GetValueOrDefault("generation")), null, null,
            DeployWatchdog.Parse(values.GetValueOrDefault("watchdog"), values.GetValueOrDefault("watchdog-left"), DateTimeOffset.UtcNow));
    }

    /// <summary>
    /// Returns the host to the system generation before its profile's with the host's one rollback (Host/lib.sh's
    /// <c>rollback_to</c>, also the watchdog's): activates it with <c>test</c> and <c>boot</c> and verifies that
    /// <c>/run/current-system</c> is that generation's closure. A deploy that was never confirmed is instead rolled back
    /// now by its pending watchdog, to the system before it. Returns the state after the rollback; failures throw coded errors.
    /// </summary>
    public async Task<LiveState> RollbackAsync(TimeSpan activationTimeout, CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            var wait = new ActivationLimits(activationTimeout, TimeSpan.Zero, TimeSpan.Zero).RollbackWait;
            result = await RunAsync(["rollback", Seconds(activationTimeout), Seconds(wait)], "rollback", wait + Overhead, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new NixDeployException(ErrorCodes.HostUnreachable, $"{_ssh.Target} stopped answering: {e.Message}");
        }
        var values = KeyValues.Parse(result.StandardOutput);
        var why = result.StandardError.Trim();
        var from = values.GetValueOrDefault("from");
        var to = values.GetValueOrDefault("to");
        return result.ExitCode switch
        {
            HostProtocol.Exit.Ok => new LiveState(true, Empty(values.GetValueOrDefault("current") ?? ""), Generation(values.GetValueOrDefault("generation")), null, null),
            SshClient.UnreachableExitCode => throw _ssh.Unreachable(result),
            HostProtocol.Exit.EscalationRefused => throw HostEscalation.Refused(_ssh.Target, why),
            HostProtocol.Exit.RollbackUnfinished => throw new NixDeployException(ErrorCodes.RollbackFailed,
                $"{Machine}'s watchdog did not finish rolling back an unconfirmed deploy in time: {why}"),
            HostProtocol.Exit.Locked => throw new NixDeployException(ErrorCodes.DeployLocked,
                $"{Machine} is locked: {why}. Nothing was changed; roll back once the deploy has finished."),
            HostProtocol.Exit.NoEarlierGeneration => throw new NixDeployException(ErrorCodes.NoPreviousGeneration,
                $"{Machine} has no earlier system generation to roll back to: {why}."),
            HostProtocol.Exit.ActivationFailed or HostProtocol.Exit.ActivationTimedOut => throw new NixDeployException(ErrorCodes.RollbackFailed,
                $"Activating generation {to} on {Machine} failed{(result.ExitCode == HostProtocol.Exit.ActivationTimedOut ? $" (not finished within {activationTimeout.TotalSeconds:0} s)" : "")}; its profile points at generation {from} again. {why}"),
            _ => throw new NixDeployException(ErrorCodes.RollbackFailed,
                $"Rolling {Machine} back{(to is null ? "" : $" to generation {to}")} could not be verified (exit {result.ExitCode}): {why}"),
        };
    }

    // Each call is the only one of a status or a rollback: it checks the user's escalation first.
    private Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments, string display, TimeSpan timeout, CancellationToken cancellationToken) =>
        _ssh.RunAsync(HostProgram.Live.FirstCommand(_ssh.Target, arguments), $"nixdeploy-live {display}", timeout, cancellationToken);

    private static string Seconds(TimeSpan span) => ((long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string? Empty(string value) => value.Length == 0 ? null : value;

    private static int? Generation(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
}
