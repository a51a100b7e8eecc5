using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Workloads;

/// <summary>
/// Debian's docker-registry serving plain HTTP on <see cref="Address"/>:5000, its storage in a test folder, and a
/// registries.conf marking it insecure, for the hosts' podman through CONTAINERS_REGISTRIES_CONF (so the machine's
/// /etc/containers stays untouched). Images are pushed from a podman storage of its own.
/// </summary>
public sealed class LocalRegistry : IDisposable
{
    private const string Executable = "/usr/bin/docker-registry";
    private readonly string _folder;
    // podman refuses a runroot longer than 50 characters: the test folder's path is longer.
    private readonly string _runroot = Directory.CreateTempSubdirectory("ndreg").FullName;
    private readonly Process _process;

    private LocalRegistry(string address, string folder, Process process)
    {
        Address = address;
        _folder = folder;
        _process = process;
    }

    public string Address { get; }

    public string Host => $"{Address}:5000";

    /// <summary>Starts the registry and writes <paramref name="registriesConf"/>, returning once it answers /v2/.</summary>
    public static async Task<LocalRegistry> StartAsync(string address, string registriesConf)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing: run scripts/install-prereqs.sh (Debian's docker-registry).");
        var folder = TestRunDirectory.CreateFolder($"registry-{address}");
        File.WriteAllText(Path.Combine(folder, "config.yml"), $"""
            version: 0.1
            storage:
              filesystem:
                rootdirectory: {folder}/data
            http:
              addr: {address}:5000
            """);
        File.WriteAllText(registriesConf, $"[[registry]]\nlocation = \"{address}:5000\"\ninsecure = true\n");
        var process = Process.Start(new ProcessStartInfo(Executable, ["serve", Path.Combine(folder, "config.yml")]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var registry = new LocalRegistry(address, folder, process);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                (await http.GetAsync($"http://{address}:5000/v2/")).EnsureSuccessStatusCode();
                return registry;
            }
            catch (HttpRequestException) when (attempt < 50 && !process.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Loads the image archive into this registry's own podman storage and pushes it as NAME:TAG; returns its digest (<c>sha256:…</c>).</summary>
    public async Task<string> PushAsync(string archive, string loadedImage, string name)
    {
        var reference = $"{Host}/{name}";
        await PodmanAsync("load", "-i", archive);
        await PodmanAsync("tag", loadedImage, reference);
        var digestFile = Path.Combine(_folder, $"{name}.digest");
        await PodmanAsync("push", "--tls-verify=false", "--digestfile", digestFile, reference);
        return File.ReadAllText(digestFile).Trim();
    }

    private async Task PodmanAsync(params string[] arguments)
    {
        var result = await Cli.Wrap("podman")
            .WithArguments(["--root", Path.Combine(_folder, "root"), "--runroot", _runroot, "--storage-driver", "vfs", "--runtime", "runc", "--cgroup-manager=cgroupfs", .. arguments])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, $"podman {string.Join(' ', arguments)}: {result.StandardError}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        Directory.Delete(_runroot, recursive: true);
    }
}
