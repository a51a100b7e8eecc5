using NixDeploy.Tests.Deploy;

namespace NixDeploy.Tests.Workloads;

/// <summary>Hosts whose sessions run Debian's docker CLI (/usr/bin first on PATH) against their own dockerd (<see cref="TestDockerDaemons"/>).</summary>
public sealed class DockerHosts() : TestHosts(first: 187, count: 2,
    "--session-env", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "--session-env", $"DOCKER_HOST=unix://{TestDockerDaemons.Socket}");

/// <summary>The docker runtime against real dockerd daemons (Debian's docker.io): deploy, untouched redeploy, roll forward, roll back.</summary>
public sealed class WorkloadDockerTests(DockerHosts hosts) : IClassFixture<DockerHosts>
{
    private static string Web(string package) => $$"""
          web = { source.build.flake = ".#{{package}}"; runtime.docker = { port = 8098; runOptions = [ "--ulimit" "nofile=1024:1024" ]; }; targets = [ "@web" ]; healthCheck = {{WorkloadFleet.HealthCheck}}; };
        """;

    private static Task<string> ContainerAsync(TestHosts hosts, string address) =>
        hosts.RunAsync(address, "docker container inspect --format '{{.Id}} {{.State.StartedAt}} {{.State.Running}}' nixdeploy-web");

    [Fact]
    public async Task An_image_runs_under_docker_on_two_hosts_is_left_untouched_rolls_forward_and_a_failing_version_is_rolled_back()
    {
        var a = hosts.Lease(2);
        await using var daemons = await TestDockerDaemons.StartAsync(hosts, a);
        using var fleet = await WorkloadFleet.CreateAsync("wl-docker", hosts, a[0], a[1]);
        await fleet.WriteAsync("""web-v1 = mk "web" "v1" true "image";""", Web("web-v1"));

        (await fleet.Fleet.Deploy().BuildAsync()).AssertSucceeded();

        Assert.Equal("/usr/bin/docker", await hosts.RunAsync(a[0], "command -v docker"));
        var before = new Dictionary<string, string>();
        foreach (var (address, machine) in new[] { (a[0], "web-1"), (a[1], "web-2") })
        {
            Assert.Equal("deployed", fleet.Fleet.Status(machine));
            Assert.Equal("v1", await WorkloadFleet.GetAsync(address, 8098));
            before[address] = await ContainerAsync(hosts, address);
            Assert.EndsWith("true", before[address]);
        }

        (await fleet.Fleet.Deploy().BuildAsync()).AssertSucceeded();

        foreach (var address in a)
            Assert.Equal(before[address], await ContainerAsync(hosts, address));

        await fleet.WriteAsync("""web-v2 = mk "web" "v2" true "image";""", Web("web-v2"));
        (await fleet.Fleet.Deploy().BuildAsync()).AssertSucceeded();
        Assert.Equal("v2", await WorkloadFleet.GetAsync(a[0], 8098));
        var v2 = await ContainerAsync(hosts, a[0]);

        await fleet.WriteAsync("""web-v3 = mk "web" "v3" false "image";""", Web("web-v3"));
        var result = await fleet.Fleet.Deploy().BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        Assert.Equal("rolled-back", fleet.Fleet.Status("web-1"));
        Assert.Equal("ND5103", fleet.Fleet.ErrorCode("web-1"));
        Assert.Equal("v2", await WorkloadFleet.GetAsync(a[0], 8098));
        Assert.Equal(v2.Split(' ')[0], (await ContainerAsync(hosts, a[0])).Split(' ')[0]);
    }
}
