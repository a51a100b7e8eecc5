using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Deploy;

namespace NixDeploy.Tests.Workloads;

/// <summary>
/// One Debian dockerd per test host (no iptables, no bridge: containers use the host network), its data in the host's
/// folder and its socket in the host's own /run, so each host's <c>docker</c> (DOCKER_HOST=unix://<see cref="Socket"/>,
/// given by the host's sshd) reaches its own daemon only: two hosts' <c>nixdeploy-NAME</c> containers never meet.
/// </summary>
public sealed class TestDockerDaemons : IAsyncDisposable
{
    private const string Dockerd = "/usr/sbin/dockerd";

    /// <summary>The socket's path as the hosts see it (their /run is their own).</summary>
    public const string Socket = "/run/nixdeploy-test-docker.sock";

    private readonly List<(Process Process, string ExecRoot)> _daemons = [];

    public static async Task<TestDockerDaemons> StartAsync(TestHosts hosts, IEnumerable<string> addresses)
    {
        Assert.True(File.Exists(Dockerd), $"{Dockerd} is missing: run scripts/install-prereqs.sh (Debian's docker.io).");
        var daemons = new TestDockerDaemons();
        foreach (var address in addresses)
        {
            var host = hosts.HostDirectory(address);
            var socket = Path.Combine(host, "run", Path.GetFileName(Socket));
            // containerd's sockets live under the exec root: a unix socket path has at most 107 characters.
            var execRoot = Directory.CreateTempSubdirectory("ndd").FullName;
            var process = Process.Start(new ProcessStartInfo(Dockerd,
                ["--iptables=false", "--ip6tables=false", "--bridge=none", "--storage-driver", "vfs", "--data-root", Path.Combine(host, "docker"), "--exec-root", execRoot,
                 "--host", $"unix://{socket}", "--pidfile", Path.Combine(execRoot, "dockerd.pid")])
                { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.ErrorDataReceived += (_, _) => { };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            daemons._daemons.Add((process, execRoot));
            await WaitAsync(socket, process);
        }
        return daemons;
    }

    private static async Task WaitAsync(string socket, Process process)
    {
        for (var attempt = 0; ; attempt++)
        {
            var version = await Cli.Wrap("/usr/bin/docker").WithArguments(["version", "--format", "{{.Server.Version}}"])
                .WithEnvironmentVariables(new Dictionary<string, string?> { ["DOCKER_HOST"] = $"unix://{socket}" })
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            if (version.ExitCode == 0)
                return;
            Assert.True(attempt < 60 && !process.HasExited, $"dockerd did not answer on {socket}: {version.StandardError}");
            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM, to every daemon first: dockerd stops its containers and its containerd; a kill would leave them running.
        foreach (var (process, _) in _daemons.Where(daemon => !daemon.Process.HasExited))
            await Cli.Wrap("kill").WithArguments(["-TERM", process.Id.ToString()]).WithValidation(CommandResultValidation.None).ExecuteAsync();
        foreach (var (process, execRoot) in _daemons)
        {
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
            process.Dispose();
            // dockerd leaves its default network namespace mounted under the exec root.
            await Cli.Wrap("umount").WithArguments([Path.Combine(execRoot, "netns", "default")]).WithValidation(CommandResultValidation.None).ExecuteAsync();
            Directory.Delete(execRoot, recursive: true);
        }
    }
}
