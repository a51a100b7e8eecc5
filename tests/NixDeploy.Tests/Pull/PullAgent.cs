using NixDeploy.Host;
using NixDeploy.Tests.Deploy;

namespace NixDeploy.Tests.Pull;

/// <summary>
/// A pull agent (Host/pull-agent.sh) running inside a test host, as the NixOS module's service runs it: the host
/// programs and the machine's token in files, and the agent's loop started over SSH in the host's namespaces, in a
/// session of its own, its pid and log under the host's /run. The test hosts have no systemd; stop-hosts.sh kills what
/// is left.
/// </summary>
public sealed class PullAgent
{
    // Where the agent's files are inside the host; the harness writes them through the host's folder.
    private const string Programs = "/run/nixdeploy-test-programs";
    private const string TokenFile = "/root/nixdeploy-agent.token";
    private const string PidFile = "/run/nixdeploy-test-agent.pid";
    private const string LogFile = "/run/nixdeploy-test-agent.log";

    private readonly TestHosts _hosts;
    private readonly string _address;

    private PullAgent(TestHosts hosts, string address)
    {
        _hosts = hosts;
        _address = address;
    }

    /// <summary>Starts the agent of <paramref name="machine"/> on the host at <paramref name="address"/>, polling <paramref name="server"/> with <paramref name="token"/>.</summary>
    public static async Task<PullAgent> StartAsync(TestHosts hosts, string address, string server, string machine, string token)
    {
        var host = hosts.HostDirectory(address);
        var programs = Path.Combine(host, Programs.TrimStart('/'));
        Directory.CreateDirectory(programs);
        foreach (var (name, program) in new[] { ("agent", HostProgram.Agent), ("watchdog", HostProgram.Watchdog), ("pull-agent", HostProgram.PullAgent) })
            File.WriteAllText(Path.Combine(programs, name), program.Text);
        var tokenFile = Path.Combine(host, TokenFile.TrimStart('/'));
        File.WriteAllText(tokenFile, token + "\n");
        var agent = new PullAgent(hosts, address);
        await agent.StartAsync(server, machine);
        return agent;
    }

    private Task StartAsync(string server, string machine) =>
        _hosts.RunAsync(_address,
            $"chmod 600 {TokenFile}; setsid sh {Programs}/pull-agent '{server}' '{machine}' {TokenFile} {Programs} >> {LogFile} 2>&1 < /dev/null & echo $! > {PidFile}");

    /// <summary>What the agent logged so far.</summary>
    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    private string LogPath => Path.Combine(_hosts.HostDirectory(_address), LogFile.TrimStart('/'));

    /// <summary>
    /// Stops the agent and everything of its session (a poll, a step in progress), as stopping its service does; a
    /// deploy's watchdog has a session of its own and lives on.
    /// </summary>
    public Task StopAsync() => _hosts.RunAsync(_address, $"kill -KILL -- -$(cat {PidFile}) 2>/dev/null; rm -f {PidFile}");

    /// <summary>Waits until the agent's log has <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        try
        {
            await TestHosts.WaitUntilAsync(() => Task.FromResult(Log.Contains(text, StringComparison.Ordinal)), timeout, $"the agent on {_address} to log '{text}'");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} It logged:\n{Log}", e);
        }
    }
}
