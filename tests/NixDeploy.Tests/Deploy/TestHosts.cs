using System.Text;
using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Deploy;

/// <summary>
/// Real test hosts from tests/hosts/start-hosts.sh (sshd per host on 127.0.0.x:2222, each with its own /nix and
/// /run), started once per test class and stopped by stop-hosts.sh, which kills every process living in them.
/// Each test leases hosts of its own, so no test sees another's state. Every class uses its own block of
/// addresses, so classes run side by side.
/// </summary>
public abstract class TestHosts : IAsyncLifetime
{
    private readonly int _first;
    private readonly int _count;
    private readonly string[] _options;
    private int _leased;

    /// <param name="options">More options of start-hosts.sh for every start (e.g. <c>--non-root-users</c>).</param>
    protected TestHosts(int first, int count, params string[] options)
    {
        _first = first;
        _count = count;
        _options = options;
        Directory = TestRunDirectory.CreateFolder($"hosts-{first}");
    }

    /// <summary>The hosts' SSH port: 2222, or NIXDEPLOY_TEST_HOST_PORT, so two checkouts' suites can run side by side.</summary>
    public static int Port { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("NIXDEPLOY_TEST_HOST_PORT"), out var port) ? port : 2222;

    public string Directory { get; }

    public string IdentityFile => Path.Combine(Directory, "deployer_ed25519");

    public string KnownHostsFile => Path.Combine(Directory, "known_hosts");

    /// <summary>An address in this class's block where nothing listens: the next one after the hosts.</summary>
    public string DeadAddress => $"127.0.0.{_first + _count}";

    private static string Script(string name) => Path.Combine(RepositoryRoot.Path, "tests", "hosts", name);

    public Task InitializeAsync()
    {
        NixEnvironment.RequireNix();
        return StartAsync();
    }

    /// <summary>
    /// Replaces every host as a reinstalled machine at the same address would be (start-hosts.sh --replace): new,
    /// empty hosts with new host keys (in <see cref="KnownHostsFile"/>), while the old hosts' open connections live on.
    /// </summary>
    public Task ReplaceAsync() => StartAsync("--replace");

    private async Task StartAsync(params string[] options)
    {
        var result = await Cli.Wrap("bash")
            .WithArguments([Script("start-hosts.sh"), "--dir", Directory, "--count", _count.ToString(), "--first", _first.ToString(), "--port", Port.ToString(), .. _options, .. options])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"start-hosts.sh failed (exit {result.ExitCode}):\n{result.StandardOutput}\n{result.StandardError}");
    }

    public async Task DisposeAsync()
    {
        var result = await Cli.Wrap("bash")
            .WithArguments([Script("stop-hosts.sh"), "--dir", Directory])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"stop-hosts.sh failed (exit {result.ExitCode}):\n{result.StandardError}");
        TestRunDirectory.Remove(Directory);
    }

    /// <summary>The addresses of <paramref name="count"/> fresh hosts no other test of the class uses.</summary>
    public IReadOnlyList<string> Lease(int count)
    {
        var start = Interlocked.Add(ref _leased, count) - count;
        if (start + count > _count)
            throw new InvalidOperationException($"{GetType().Name} has {_count} hosts; the tests lease more. Raise its count.");
        return Enumerable.Range(_first + start, count).Select(i => $"127.0.0.{i}").ToList();
    }

    /// <summary>How many SSH connections the host has accepted so far: its sshd logs a line for each.</summary>
    public int ConnectionsAccepted(string address) => LogLines(address, "", "Accepted publickey");

    /// <summary>Connections the host that the first <see cref="ReplaceAsync"/> replaced still has open, by its sshd log.</summary>
    public int ConnectionsOpenAtReplacedHost(string address) =>
        LogLines(address, ".replaced1", "Accepted publickey") - LogLines(address, ".replaced1", "Disconnected from user");

    private int LogLines(string address, string hostSuffix, string text) =>
        File.ReadLines(Path.Combine(HostDirectory(address) + hostSuffix, "sshd.log"))
            .Count(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>The host's folder (DIR/hostN of start-hosts.sh): its etc-nix/ is the host's /etc/nix.</summary>
    public string HostDirectory(string address) => Path.Combine(Directory, $"host{int.Parse(address.Split('.')[3]) - _first + 1}");

    /// <summary>Runs a shell command on a host (as root, through the harness's ssh_config) and returns its stdout.</summary>
    public async Task<string> RunAsync(string address, string command)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var result = await Cli.Wrap("ssh")
            .WithArguments(["-F", Path.Combine(Directory, "ssh_config"), address, command])
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"ssh {address} '{command}' exited {result.ExitCode}: {stderr}");
        return stdout.ToString().Trim();
    }

    /// <summary>The host's live system, or "" when it has none (checked for existence, not just resolved).</summary>
    public Task<string> LiveSystemAsync(string address) =>
        RunAsync(address, "if [ -e /run/current-system ]; then readlink -f /run/current-system; fi");

    /// <summary>The stand-in's boot default (what switch-to-configuration boot recorded), or "".</summary>
    public Task<string> BootEntryAsync(string address) =>
        RunAsync(address, "if [ -e /nix/var/nix/standin/boot-default ]; then readlink -f /nix/var/nix/standin/boot-default; fi");

    /// <summary>The system profile's generations as "N:closure" lines, oldest first ("" when there is no profile).</summary>
    public async Task<IReadOnlyList<string>> ProfileGenerationsAsync(string address)
    {
        var output = await RunAsync(address,
            "for l in /nix/var/nix/profiles/system-*-link; do [ -e \"$l\" ] || continue; n=${l##*/system-}; echo \"${n%-link}:$(readlink \"$l\")\"; done | sort -n");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The closure the system profile points at now, or "".</summary>
    public Task<string> ProfileAsync(string address) =>
        RunAsync(address, "if [ -e /nix/var/nix/profiles/system ]; then readlink -f /nix/var/nix/profiles/system; fi");

    public async Task<bool> InStoreAsync(string address, string storePath) =>
        await RunAsync(address, $"if [ -e '{storePath}' ]; then echo yes; fi") == "yes";

    /// <summary>Whether a rollback watchdog is alive on the host (it holds /run/nixdeploy/watchdog.lock).</summary>
    public async Task<bool> WatchdogArmedAsync(string address) =>
        await RunAsync(address, "mkdir -p /run/nixdeploy; if flock -n /run/nixdeploy/watchdog.lock true; then echo free; fi") != "free";

    /// <summary>The state directories deploys left under /run/nixdeploy (one per deploy token, which starts with its date), as paths.</summary>
    public async Task<IReadOnlyList<string>> DeployStateDirectoriesAsync(string address) =>
        (await RunAsync(address, "for d in /run/nixdeploy/[0-9]*/; do if [ -d \"$d\" ]; then echo \"$d\"; fi; done"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Polls until <paramref name="condition"/> holds, failing after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.");
            await Task.Delay(200);
        }
    }
}
