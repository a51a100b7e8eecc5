using System.Globalization;
using NixDeploy.Diagnostics;
using NixDeploy.Host;
using NixDeploy.Processes;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy.Remote;

/// <summary>
/// Typed calls of <see cref="HostProgram.Agent"/> on one host. Each call is one ssh session running
/// <c>sh -c AGENT nixdeploy-agent COMMAND ARGS</c>, as root (<see cref="HostProgram.Command"/>); every word is quoted by
/// <see cref="SshClient"/>. The calls that open a deploy (lock, status) check the user's escalation first.
/// </summary>
internal sealed class RemoteAgent(SshClient ssh)
{
    // Time for the connection itself and the agent's own bookkeeping, on top of the step's own limit.
    private static readonly TimeSpan Overhead = TimeSpan.FromSeconds(30);

    // The log a call printed after its result (the host forgot it then), for FetchLogAsync.
    private (string Token, string Text)? _printedLog;

    public SshClient Ssh { get; } = ssh;

    /// <summary>The host's live system (<c>/run/current-system</c>), or null when it has none.</summary>
    public async Task<string?> ReadCurrentSystemAsync(CancellationToken cancellationToken)
    {
        var result = await RunWordsAsync(HostProgram.Agent.FirstCommand(Ssh.Target, ["status"]), "status", Overhead, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != HostProtocol.Exit.Ok || !result.Printed("current"))
            throw Failed("status", result);
        return result.Value("current");
    }

    /// <summary>Takes the host's deploy lock in a session held until the returned lock is disposed.</summary>
    public async Task<DeployLock> LockAsync(CancellationToken cancellationToken)
    {
        var session = await SshHeldSession.StartAsync(Ssh, HostProgram.Agent.FirstCommand(Ssh.Target, ["lock"]), "nixdeploy-agent lock", "current=",
            TimeSpan.FromSeconds(Ssh.Options.ConnectTimeoutSeconds) + Overhead, cancellationToken).ConfigureAwait(false);
        if (session.ExitCode is not { } exitCode)
        {
            var values = KeyValues.Parse(string.Join('\n', session.Lines));
            return new DeployLock(session, NullIfEmpty(values["current"]), NullIfEmpty(values.GetValueOrDefault("profile") ?? ""), values.GetValueOrDefault("reboot") == "1");
        }
        await session.DisposeAsync().ConfigureAwait(false);
        var why = session.StandardError.Trim();
        throw exitCode switch
        {
            SshClient.UnreachableExitCode => Ssh.Unreachable(new ProcessResult(exitCode, "", why, TimeSpan.Zero)),
            HostProtocol.Exit.EscalationRefused => HostEscalation.Refused(Ssh.Target, why),
            HostProtocol.Exit.Locked or HostProtocol.Exit.WatchdogPending => new NixDeployException(ErrorCodes.DeployLocked,
                $"{Ssh.Target} is locked: {why}. Nothing was changed on it; deploy again once the other deploy has finished."),
            _ => new NixDeployException(ErrorCodes.RemoteAgentFailed, $"Taking the deploy lock on {Ssh.Target} failed (exit {exitCode}): {why}"),
        };
    }

    /// <summary>
    /// Arms the rollback watchdog (when <paramref name="rollback"/> is set), points the system profile at
    /// <paramref name="closure"/> (only with <paramref name="bootDefault"/>) and runs its <c>switch-to-configuration test</c>, killed
    /// on the host after the timeout.
    /// </summary>
    public Task<AgentResult> ActivateAsync(string token, string closure, ActivationLimits limits, bool rollback, bool bootDefault, CancellationToken cancellationToken) =>
        RunAsync(
            ["activate", token, closure, Seconds(limits.Activation), Seconds(limits.ArmedFor), Seconds(limits.ConfirmWithin), rollback ? HostProgram.Watchdog.Text : "", ModeWord(bootDefault)],
            $"nixdeploy-agent activate {token} {closure}",
            limits.Activation + Overhead,
            cancellationToken);

    /// <summary>
    /// Makes <paramref name="closure"/> the boot default (with <paramref name="bootDefault"/>), then confirms the deploy, which disarms the watchdog.
    /// A confirmed deploy's log comes with the result: <see cref="FetchLogAsync"/> then needs no session of its own.
    /// </summary>
    public async Task<AgentResult> FinishAsync(string token, string closure, ActivationLimits limits, bool armed, bool bootDefault, CancellationToken cancellationToken)
    {
        var result = await RunAsync(
            ["finish", token, closure, Seconds(limits.Activation), armed ? "1" : "0", ModeWord(bootDefault)],
            $"nixdeploy-agent finish {token}",
            limits.Activation + Overhead,
            cancellationToken).ConfigureAwait(false);
        if (result.Log is { } log)
            _printedLog = (token, log);
        return result;
    }

    /// <summary>Moves the watchdog's deadline to <paramref name="fromNow"/> from now, unless the deploy is claimed already (ND5008's exit).</summary>
    public Task<AgentResult> ExtendDeadlineAsync(string token, TimeSpan fromNow, CancellationToken cancellationToken) =>
        RunAsync(["extend", token, Seconds(fromNow)], $"nixdeploy-agent extend {token}", Overhead, cancellationToken);

    /// <summary>Has the watchdog roll back now, unless it already is, and waits until it has.</summary>
    public Task<AgentResult> RollbackAsync(string token, ActivationLimits limits, CancellationToken cancellationToken) =>
        RunAsync(
            ["rollback", token, Seconds(limits.RollbackWait)],
            $"nixdeploy-agent rollback {token}",
            limits.RollbackWait + Overhead,
            cancellationToken);

    /// <summary>
    /// Points the system profile and the boot entry at <paramref name="closure"/> without activating it; when the boot
    /// entry fails, the host puts profile, boot entry and placed files back as they were.
    /// </summary>
    public Task<AgentResult> SetBootEntryAsync(string token, string closure, TimeSpan activationTimeout, CancellationToken cancellationToken) =>
        RunAsync(["boot", token, closure, Seconds(activationTimeout)], $"nixdeploy-agent boot {closure}", activationTimeout * 2 + Overhead, cancellationToken);

    /// <summary>Runs <paramref name="closure"/>'s <c>switch-to-configuration dry-activate</c>, which prints what activating it would change.</summary>
    public Task<AgentResult> DryActivateAsync(string token, string closure, TimeSpan activationTimeout, CancellationToken cancellationToken) =>
        RunAsync(["dry-activate", token, closure, Seconds(activationTimeout)], $"nixdeploy-agent dry-activate {closure}", activationTimeout + Overhead, cancellationToken);

    /// <summary>One attempt of a health check <paramref name="command"/>, killed on the host after <paramref name="seconds"/>; its output goes to the deploy's log.</summary>
    public Task<AgentResult> CheckAsync(string token, int seconds, string command, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync(["check", token, seconds.ToString(CultureInfo.InvariantCulture), command], $"health check: {command}", timeout, cancellationToken);

    /// <summary>
    /// The deploy's log from the host (what switch-to-configuration and the health checks printed), which the host then
    /// forgets: as the confirmation printed it, else fetched; null when it could not be fetched, and it stays there.
    /// </summary>
    public async Task<string?> FetchLogAsync(string token, CancellationToken cancellationToken)
    {
        if (_printedLog is { } printed && printed.Token == token)
            return printed.Text;
        try
        {
            var result = await Ssh.RunAsync(Words(["log", token]), $"nixdeploy-agent log {token}", Overhead, cancellationToken).ConfigureAwait(false);
            return result.ExitCode == HostProtocol.Exit.Ok ? result.StandardOutput : null;
        }
        catch (Exception e) when (e is TimeoutException or NixDeployException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Keeps the files placed under the lock when no activation follows: forgets their kept previous copies.</summary>
    public async Task KeepPlacedFilesAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(["keep-files"], "keep-files", Overhead, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != HostProtocol.Exit.Ok)
            throw Failed("keep-files", result);
    }

    public NixDeployException Failed(string command, AgentResult result) => result.ExitCode switch
    {
        SshClient.UnreachableExitCode => Ssh.Unreachable(new ProcessResult(result.ExitCode, "", result.StandardError, TimeSpan.Zero)),
        HostProtocol.Exit.EscalationRefused => HostEscalation.Refused(Ssh.Target, result.StandardError),
        _ => new NixDeployException(ErrorCodes.RemoteAgentFailed,
            $"'nixdeploy-agent {command}' on {Ssh.Target} failed (exit {result.ExitCode}): {result.StandardError}"),
    };

    private Task<AgentResult> RunAsync(IReadOnlyList<string> arguments, string display, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunWordsAsync(Words(arguments), display, timeout, cancellationToken);

    private async Task<AgentResult> RunWordsAsync(string[] words, string display, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return new AgentResult(await Ssh.RunAsync(words, display, timeout, cancellationToken).ConfigureAwait(false));
        }
        catch (TimeoutException e)
        {
            throw new NixDeployException(ErrorCodes.HostUnreachable, $"{Ssh.Target} stopped answering: {e.Message}");
        }
    }

    private string[] Words(IReadOnlyList<string> arguments) => HostProgram.Agent.Command(Ssh.Target, arguments);

    // The agent's activation modes: switch makes the closure the profile's and the boot default, test neither.
    private static string ModeWord(bool bootDefault) => bootDefault ? "switch" : "test";

    private static string? NullIfEmpty(string value) => value.Length > 0 ? value : null;

    private static string Seconds(TimeSpan span) => ((long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
