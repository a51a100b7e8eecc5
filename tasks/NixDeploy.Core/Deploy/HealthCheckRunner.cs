using System.Diagnostics;
using NixDeploy.Blueprint;
using NixDeploy.Deploy.Remote;
using NixDeploy.Diagnostics;
using NixDeploy.Ssh;

namespace NixDeploy.Deploy;

/// <summary>
/// Runs a machine's health checks after activation, all at once: each is retried every <c>interval</c> seconds
/// until it passes or its <c>timeout</c> is used up. Commands run on the host through its agent, which keeps their
/// output in the deploy's log there; URLs are fetched by the deployer.
/// </summary>
public sealed class HealthCheckRunner(HttpClient http)
{
    /// <summary>How long the checks may take together: the longest timeout among the enabled ones.</summary>
    public static TimeSpan Budget(IReadOnlyList<HealthCheckSpec> checks) =>
        TimeSpan.FromSeconds(checks.Where(check => check.Enabled).Select(check => check.Timeout).DefaultIfEmpty(0).Max());

    /// <summary>
    /// Fails with ND5006 naming every check that did not pass and its last result. Each failed attempt is told to
    /// <paramref name="onAttempt"/> as it happens, with the last line of what it printed (the live view).
    /// </summary>
    internal async Task RunAsync(string machine, RemoteAgent host, string token, IReadOnlyList<HealthCheckSpec> checks, CancellationToken cancellationToken,
        Action<string>? onAttempt = null)
    {
        var enabled = checks.Select((check, index) => (check, index)).Where(pair => pair.check.Enabled).ToList();
        var failures = await Task.WhenAll(enabled.Select(pair => RunOneAsync(host, token, pair.check, pair.index, onAttempt, cancellationToken))).ConfigureAwait(false);
        var failed = failures.OfType<string>().ToList();
        if (failed.Count > 0)
            throw new NixDeployException(ErrorCodes.HealthCheckFailed,
                $"{machine}: {string.Join("; ", failed)}.");
    }

    private async Task<string?> RunOneAsync(RemoteAgent host, string token, HealthCheckSpec check, int index, Action<string>? onAttempt, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(check.Timeout);
        var interval = TimeSpan.FromSeconds(check.Interval);
        var attempts = 0;
        while (true)
        {
            attempts++;
            var remaining = limit - clock.Elapsed;
            var outcome = check.Command is { } command
                ? await RunCommandAsync(host, token, command, remaining, cancellationToken).ConfigureAwait(false)
                : await FetchAsync(check.Url!, check.ExpectedStatus ?? BlueprintDefaults.HttpExpectedStatus, remaining, cancellationToken).ConfigureAwait(false);
            if (outcome is null)
                return null;
            onAttempt?.Invoke($"check {index}, attempt {attempts}: {outcome.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()}");
            if (clock.Elapsed + interval >= limit)
                return $"health check {index} ({check.Command ?? check.Url}) did not pass within {check.Timeout} s ({attempts} attempt(s)); last: {outcome}";
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        }
    }

    // The command is the blueprint's shell code: the agent runs it with sh -c, under a timeout on the host so that a
    // hanging check does not outlive its budget there.
    private static async Task<string?> RunCommandAsync(RemoteAgent host, string token, string command, TimeSpan remaining, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(remaining.TotalSeconds));
        var result = await host.CheckAsync(token, seconds, command,
            remaining + TimeSpan.FromSeconds(host.Ssh.Options.ConnectTimeoutSeconds + 5), cancellationToken).ConfigureAwait(false);
        if (result.ExitCode == 0)
            return null;
        var output = result.StandardError;
        return result.ExitCode switch
        {
            SshClient.UnreachableExitCode => $"the host could not be reached ({output})",
            124 or 137 => $"the command did not finish within {seconds} s",
            _ => $"exit {result.ExitCode}{(output.Length > 0 ? $": {Shorten(output)}" : "")}",
        };
    }

    private async Task<string?> FetchAsync(string url, int expectedStatus, TimeSpan remaining, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromSeconds(1));
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return status == expectedStatus ? null : $"HTTP {status}, expected {expectedStatus}";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "no response in time";
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..197] + "...";
}
