using System.Net;
using System.Security.Cryptography;
using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Workloads;

/// <summary>
/// A <see cref="DeployFleet"/> with workloads: packages.nix builds images and bundles of Debian's static busybox
/// serving HTTP (tests/workloads/make-image.sh), workloads.nix declares the workloads, and fetched deliverables are
/// served by a local HTTP server. Containers run under real podman (runc, cgroupfs, explicit ulimits: what this
/// machine's kernel allows), bound to each host's own address.
/// </summary>
public sealed class WorkloadFleet : IDisposable
{
    /// <summary>The runtime options podman needs here (no systemd cgroups, no crun; rlimits above the session's refused).</summary>
    public const string PodmanRuntime =
        """podman = { port = PORT; options = [ "--runtime" "runc" "--cgroup-manager=cgroupfs" ]; runOptions = [ "--ulimit" "nofile=1024:1024" "--ulimit" "nproc=1024:1024" ]; }""";

    /// <summary>
    /// Host options (start-hosts.sh) that give every SSH session of the hosts podman's vfs storage driver
    /// (CONTAINERS_STORAGE_CONF): overlay cannot be mounted over overlayfs, the root file system of a container (a CI
    /// runner, scripts/fresh-machine.sh), while vfs works on any; the test images are a few MiB.
    /// </summary>
    public static string[] PodmanHostOptions => ["--session-env", $"CONTAINERS_STORAGE_CONF={StorageConf.Value}"];

    private static readonly Lazy<string> StorageConf = new(() =>
    {
        var file = Path.Combine(TestRunDirectory.Root, "podman-storage.conf");
        // runroot and graphroot must be set for podman to read the file; workload.sh's --root/--runroot replace them.
        File.WriteAllText(file, "[storage]\ndriver = \"vfs\"\nrunroot = \"/run/containers/storage\"\ngraphroot = \"/var/lib/containers/storage\"\n");
        return file;
    });

    public const string HealthCheck = """{ path = "/health"; interval = 1; timeout = 4; }""";

    private readonly Dictionary<string, byte[]> _served = new(StringComparer.Ordinal);
    private readonly LocalHttpServer _files;

    private WorkloadFleet(DeployFleet fleet)
    {
        Fleet = fleet;
        _files = new LocalHttpServer(path =>
        {
            lock (_served)
                return _served.TryGetValue(path.TrimStart('/'), out var bytes) ? (HttpStatusCode.OK, bytes) : (HttpStatusCode.NotFound, null);
        });
    }

    public DeployFleet Fleet { get; }

    public string FilesUrl => _files.Url;

    public static async Task<WorkloadFleet> CreateAsync(string name, TestHosts hosts, params string[] addresses)
    {
        var machines = addresses.Select((address, index) => DeployFleet.Machine($"web-{index + 1}", address) with { HealthChecksNix = "[ ]" }).ToArray();
        return new WorkloadFleet(await DeployFleet.CreateAsync(name, hosts, machines));
    }

    /// <summary>packages.nix: one package per (name, version, healthy, kind), as <c>NAME = mk "IMAGE" "VERSION" true "image";</c> lines.</summary>
    public async Task WriteAsync(string packages, string workloads)
    {
        Fleet.Project.WriteFile("make-image.sh", File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tests", "workloads", "make-image.sh")));
        Fleet.Project.WriteFile("packages.nix", $$"""
            let mk = imageName: version: healthy: kind: derivation {
              name = "${imageName}-${version}.tar"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ ./make-image.sh ];
              inherit imageName version kind; healthy = if healthy then "1" else "0";
            };
            in {
            {{packages}}
            }
            """);
        Fleet.Project.WriteFile("workloads.nix", $"{{\n{workloads}\n}}\n");
        await GitRepository.CommitAllAsync(Fleet.Project.Directory, "workloads");
    }

    /// <summary>Makes an image archive with make-image.sh (outside Nix) and serves it at <c>FilesUrl + file</c>; returns its SHA-256 (hex).</summary>
    public async Task<string> ServeImageAsync(string file, string imageName, string version)
    {
        var path = Path.Combine(Fleet.Project.Directory, "obj", file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var result = await Cli.Wrap("sh").WithArguments([Path.Combine(RepositoryRoot.Path, "tests", "workloads", "make-image.sh")])
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["out"] = path, ["kind"] = "image", ["version"] = version, ["healthy"] = "1", ["imageName"] = imageName })
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(result.ExitCode == 0, result.StandardError);
        var bytes = await File.ReadAllBytesAsync(path);
        lock (_served)
            _served[file] = bytes;
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>What the workload answers at the host's own address and <paramref name="port"/>.</summary>
    public static async Task<string> GetAsync(string address, int port, string path = "/")
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        return (await http.GetStringAsync($"http://{address}:{port}{path}")).Trim();
    }

    /// <summary>The running container's id and start time on the host, from the host's own podman storage.</summary>
    public static Task<string> ContainerAsync(TestHosts hosts, string address, string workload) =>
        hosts.RunAsync(address, "podman --root /nix/var/nixdeploy/containers --runroot /run/nixdeploy/containers --runtime runc --cgroup-manager=cgroupfs "
            + $"container inspect --format '{{{{.Id}}}} {{{{.State.StartedAt}}}} {{{{.State.Running}}}}' nixdeploy-{workload}");

    public void Dispose()
    {
        _files.Dispose();
        Fleet.Dispose();
    }
}
