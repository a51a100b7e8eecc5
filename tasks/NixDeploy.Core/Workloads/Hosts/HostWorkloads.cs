using NixDeploy.Diagnostics;
using NixDeploy.Host;
using NixDeploy.Manifest;
using NixDeploy.Processes;
using NixDeploy.Ssh;

namespace NixDeploy.Workloads.Hosts;

/// <summary>
/// A workload as a host runs it: its name, the fingerprint and digest of what runs, whether it runs and, when asked,
/// whether its health check answers now (null: not checked, or it has none).
/// </summary>
public sealed record RunningWorkload(string Name, string Fingerprint, string Digest, bool Running, bool? Healthy)
{
    /// <summary>Whether it runs as <paramref name="desired"/> wants: then a deploy leaves it alone.</summary>
    public bool Runs(ManifestWorkload desired) => Running && Fingerprint == desired.Fingerprint;
}

/// <summary>
/// Typed calls of <see cref="HostProgram.Workload"/> on one host, each one SSH session through the same host-program
/// mechanism as every other deploy step (<c>sh -c PROGRAM nixdeploy-workload COMMAND ARGS</c>).
/// </summary>
internal static class HostWorkloads
{
    private static readonly TimeSpan Overhead = TimeSpan.FromSeconds(30);

    /// <summary>The workloads the host runs (or ran: a stopped one is listed, not running); with <paramref name="health"/>, each checked once.</summary>
    public static async Task<IReadOnlyDictionary<string, RunningWorkload>> StatusAsync(SshClient ssh, bool health, CancellationToken cancellationToken)
    {
        var result = await RunAsync(ssh, health ? ["status", "--health"] : ["status"], "nixdeploy-workload status", Overhead, null, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new NixDeployException(ErrorCodes.WorkloadHostFailed, $"Reading the workloads of {ssh.Target} failed (exit {result.ExitCode}): {result.StandardError.Trim()}");
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .Where(words => words is ["workload", _, _, _, _, _])
            .ToDictionary(words => words[1], words => new RunningWorkload(words[1], words[2], words[3], words[4] == "1", words[5] switch { "1" => true, "0" => false, _ => null }),
                StringComparer.Ordinal);
    }

    /// <summary>One call; an unreachable host or one that stops answering is a coded error.</summary>
    public static async Task<ProcessResult> RunAsync(SshClient ssh, IReadOnlyList<string> arguments, string display, TimeSpan timeout, string? input, CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            result = await ssh.RunAsync(HostProgram.Workload.Command(ssh.Target, arguments), display, timeout + Overhead, cancellationToken, standardInput: input).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new NixDeployException(ErrorCodes.HostUnreachable, $"{ssh.Target} stopped answering during {display}: {e.Message}");
        }
        return result.ExitCode == SshClient.UnreachableExitCode ? throw ssh.Unreachable(result) : result;
    }
}
