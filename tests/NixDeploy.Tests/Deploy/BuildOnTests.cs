using NixDeploy.Tests.Cache;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Deploy;

public sealed class BuildOnHosts() : TestHosts(first: 52, count: 7);

/// <summary>
/// NixDeployBuildOn: closures built on each machine's own host (target) or on Nix's remote builders (builders), and
/// NixDeploySubstituteOnDestination. Each machine's system holds a package whose build reads
/// <see cref="MarkerFile"/>, which only a test host that was given one has (its own /run): the build can only
/// succeed where that host built it, and the package says which host that was.
/// </summary>
public sealed class BuildOnTests(BuildOnHosts hosts) : IClassFixture<BuildOnHosts>
{
    internal const string MarkerFile = "/run/nixdeploy-build-marker";

    /// <summary>A healthy machine whose system carries bin/build-host, written by the build from the building host's marker.</summary>
    /// <summary>
    /// The package's name carries <paramref name="tag"/> and a fresh id: the deployer's store outlives a test run, and
    /// a package an earlier run built (and a builder copied back) would not be built again.
    /// </summary>
    internal static TestMachine MarkerMachine(string name, string address, string tag) => DeployFleet.Machine(name, address) with
    {
        Configuration = $$"""
            nixdeploy.standin.services.web.healthy = true;
              environment.systemPackages = [ (builtins.derivation {
                name = "build-host-{{tag}}-{{Guid.NewGuid():N}}";
                system = "x86_64-linux";
                builder = "/bin/sh";
                args = [ "-c" ''/bin/mkdir -p "$out/bin" && read -r m < {{MarkerFile}} && echo "$m" > "$out/bin/build-host"'' ];
              }) ];
            """,
    };

    private Task MarkAsync(string address) => hosts.RunAsync(address, $"echo built-on-{address} > {MarkerFile}");

    [Fact]
    public async Task Target_builds_each_closure_on_its_own_host_and_the_deploy_copies_nothing()
    {
        var addresses = hosts.Lease(2);
        foreach (var address in addresses)
            await MarkAsync(address);
        using var fleet = await DeployFleet.CreateAsync("target", hosts,
            MarkerMachine("web-1", addresses[0], "target"), MarkerMachine("web-2", addresses[1], "target"));

        var deploy = await fleet.Deploy(("NixDeployBuildOn", "target")).BuildAsync();

        deploy.AssertSucceeded();
        deploy.AssertNoStackTrace();
        foreach (var (machine, address) in new[] { ("web-1", addresses[0]), ("web-2", addresses[1]) })
        {
            var closure = fleet.Closure(machine);
            Assert.Equal(closure, await hosts.LiveSystemAsync(address));
            Assert.Equal($"built-on-{address}", await hosts.RunAsync(address, $"cat {closure}/sw/bin/build-host"));
            // Nothing came back: the deployer's store never held the closure, so the deploy cannot have copied it.
            Assert.False(Path.Exists(closure), $"{closure} is in the deployer's store");
            Assert.Equal("deployed", fleet.Status(machine));
        }
    }

    [Fact]
    public async Task The_tool_build_on_target_flag_builds_on_the_host()
    {
        var address = hosts.Lease(1)[0];
        await MarkAsync(address);
        using var fleet = await DeployFleet.CreateAsync("toolflag", hosts, MarkerMachine("web-1", address, "toolflag"));

        var result = await InstalledTool.RunAsync(fleet.Project.Directory, "build", "--build-on", "target");

        Assert.True(result.ExitCode == 0, result.ToString());
        var closure = fleet.Closure("web-1");
        Assert.Equal($"built-on-{address}", await hosts.RunAsync(address, $"cat {closure}/sw/bin/build-host"));
        Assert.False(Path.Exists(closure), $"{closure} is in the deployer's store");
    }

    [Fact]
    public async Task Target_closure_collected_on_the_host_before_the_deploy_is_ND1214_and_nothing_is_activated()
    {
        var address = hosts.Lease(1)[0];
        await MarkAsync(address);
        using var fleet = await DeployFleet.CreateAsync("collected", hosts, MarkerMachine("web-1", address, "collected"));
        (await fleet.Project.Dotnet().WithEnvironment(NixEnvironment.Variables).WithProperty("NixDeployBuildOn", "target").BuildAsync()).AssertSucceeded();
        var closure = fleet.Closure("web-1");
        Assert.True(await hosts.InStoreAsync(address, closure));
        await hosts.RunAsync(address, "nix-store --gc >/dev/null 2>&1");
        Assert.False(await hosts.InStoreAsync(address, closure));

        var deploy = await fleet.Deploy(("NixDeployBuildOn", "target")).BuildAsync();

        deploy.AssertFailed();
        deploy.AssertNoStackTrace();
        Assert.Contains(deploy.Errors, e => e.Code == "ND1214" && e.Message.Contains(closure, StringComparison.Ordinal));
        Assert.Equal("", await hosts.LiveSystemAsync(address));
    }

    [Fact]
    public async Task Target_with_a_host_that_cannot_build_is_ND1213_and_nothing_is_deployed()
    {
        var address = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("cannot", hosts, MarkerMachine("web-1", address, "cannot"));

        var deploy = await fleet.Deploy(("NixDeployBuildOn", "target")).BuildAsync();

        deploy.AssertFailed();
        deploy.AssertNoStackTrace();
        // MSBuild shows each line of the message as an error of its own.
        var error = string.Join('\n', deploy.Errors.Where(e => e.Code == "ND1213").Select(e => e.Message));
        Assert.Contains("'web-1' failed to build on its host", error, StringComparison.Ordinal);
        Assert.Contains(MarkerFile, error, StringComparison.Ordinal);
        Assert.Equal("", await hosts.LiveSystemAsync(address));
        Assert.False(File.Exists(fleet.Project.PathOf("bin/nixdeploy/deployment.json")), "deployment.json was written for a build that failed");
    }

    [Fact]
    public async Task Builders_build_on_Nix_remote_builders_from_NixDeployBuilders()
    {
        var builder = hosts.Lease(1)[0];
        await MarkAsync(builder);
        using var fleet = await DeployFleet.CreateAsync("builders", hosts, MarkerMachine("web-1", "127.0.0.1", "builders"));

        var build = await Build(fleet, $"ssh://root@{builder} x86_64-linux").BuildAsync();

        build.AssertSucceeded();
        var closure = fleet.Closure("web-1");
        Assert.Equal($"built-on-{builder}\n", File.ReadAllText(Path.Combine(closure, "sw", "bin", "build-host")));
    }

    [Fact]
    public async Task A_remote_builder_that_is_down_is_ND1212_with_Nix_message()
    {
        using var fleet = await DeployFleet.CreateAsync("down", hosts, MarkerMachine("web-1", "127.0.0.1", "down"));

        var build = await Build(fleet, $"ssh://root@{hosts.DeadAddress} x86_64-linux").BuildAsync();

        build.AssertFailed();
        build.AssertNoStackTrace();
        var error = string.Join('\n', build.Errors.Where(e => e.Code == "ND1212").Select(e => e.Message));
        Assert.Contains("no remote builder of NixDeployBuilders", error, StringComparison.Ordinal);
        Assert.Contains($"cannot build on 'ssh://root@{hosts.DeadAddress}'", error, StringComparison.Ordinal);
        Assert.False(File.Exists(fleet.Project.PathOf("bin/nixdeploy/deployment.json")));
    }

    [Fact]
    public async Task SubstituteOnDestination_lets_the_host_fetch_the_closure_from_its_own_substituter()
    {
        var address = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("substitute", hosts, DeployFleet.Machine("web-1", address));
        (await fleet.Project.Dotnet().WithEnvironment(NixEnvironment.Variables).BuildAsync()).AssertSucceeded();
        var closure = fleet.Closure("web-1");
        var cache = Path.Combine(fleet.Project.Folder, "host-cache");
        var (secretKey, publicKey) = await CacheNix.GenerateKeyAsync(fleet.Project.Folder, "host-cache-1");
        await CacheNix.NixAsync(null, "copy", "--to", $"file://{cache}?secret-key={secretKey}", closure);
        File.AppendAllText(Path.Combine(hosts.HostDirectory(address), "etc-nix", "nix.conf"),
            $"substituters = file://{cache}\ntrusted-public-keys = {publicKey}\n");

        var deploy = await fleet.Deploy(("NixDeploySubstituteOnDestination", "true")).BuildAsync();

        deploy.AssertSucceeded();
        Assert.Equal(closure, await hosts.LiveSystemAsync(address));
        // Substituted from the host's cache, its copy carries the cache's signature; what the deployer sends carries none.
        Assert.Contains("host-cache-1:", await hosts.RunAsync(address, $"nix path-info --sigs {closure}"));
    }

    [Theory]
    [InlineData("NixDeployBuildOn", "remote", "ND1210")]
    [InlineData("NixDeployBuildOn", "builders", "ND1211")]
    [InlineData("NixDeployBuilders", "ssh://root@127.0.0.1 x86_64-linux", "ND1211")]
    public async Task A_bad_build_location_is_a_coded_error(string property, string value, string code)
    {
        using var fleet = await DeployFleet.CreateAsync($"bad-{code}-{property.Length}", hosts, MarkerMachine("web-1", "127.0.0.1", "bad"));

        var build = await fleet.Project.Dotnet().WithEnvironment(NixEnvironment.Variables).WithProperty(property, value).BuildAsync();

        build.AssertFailed();
        build.AssertNoStackTrace();
        Assert.Contains(build.Errors, e => e.Code == code && e.Message.Contains(property, StringComparison.Ordinal));
    }

    /// <summary>dotnet build with NixDeployBuildOn=builders; Nix reaches the builders through the harness's ssh_config (their port).</summary>
    private DotnetBuild Build(DeployFleet fleet, string builders) =>
        fleet.Project.Dotnet().WithEnvironment(NixEnvironment.Variables)
            .WithEnvironment("NIX_SSHOPTS", $"-F {Path.Combine(hosts.Directory, "ssh_config")}")
            .WithProperty("NixDeployBuildOn", "builders")
            .WithProperty("NixDeployBuilders", builders)
            .WithTimeout(TimeSpan.FromMinutes(3));
}
