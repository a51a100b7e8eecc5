using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Workloads;

/// <summary>One host whose SSH sessions read <see cref="RegistriesConf"/> (CONTAINERS_REGISTRIES_CONF, a test-only sshd SetEnv).</summary>
public sealed class RegistryHosts() : TestHosts(first: 185, count: 1, [.. WorkloadFleet.PodmanHostOptions, "--session-env", $"CONTAINERS_REGISTRIES_CONF={RegistriesConf}"])
{
    public static string RegistriesConf { get; } = Path.Combine(TestRunDirectory.Root, "registries-185.conf");
}

/// <summary>A registry source against a real local registry (Debian's docker-registry on 127.0.0.189), pulled by the host's podman.</summary>
public sealed class WorkloadRegistryTests(RegistryHosts hosts) : IClassFixture<RegistryHosts>
{
    [Fact]
    public async Task An_image_pushed_to_a_local_registry_and_pinned_by_its_digest_is_pulled_and_served_by_the_host()
    {
        var a = hosts.Lease(1);
        using var registry = await LocalRegistry.StartAsync("127.0.0.189", RegistryHosts.RegistriesConf);
        using var fleet = await WorkloadFleet.CreateAsync("wl-registry", hosts, a[0]);
        await fleet.ServeImageAsync("reg.tar", "reg", "reg-v1");
        var digest = await registry.PushAsync(fleet.Fleet.Project.PathOf("obj/reg.tar"), "localhost/reg:reg-v1", "reg");
        await fleet.WriteAsync("", $$"""
              reg = { source.registry = "{{registry.Host}}/reg@{{digest}}"; runtime.{{WorkloadFleet.PodmanRuntime.Replace("PORT", "8097")}}; targets = [ "@web" ]; healthCheck = {{WorkloadFleet.HealthCheck}}; };
            """);

        (await fleet.Fleet.Deploy().BuildAsync()).AssertSucceeded();

        Assert.Equal("deployed", fleet.Fleet.Status("web-1"));
        Assert.Equal(digest, fleet.Fleet.MachineReport("web-1")["workloads"]!["reg"]!["digest"]!.GetValue<string>());
        Assert.Equal("reg-v1", await WorkloadFleet.GetAsync(a[0], 8097));
        // The host pulled it into its own storage, by the pinned digest.
        Assert.Contains(digest, await hosts.RunAsync(a[0], "podman --root /nix/var/nixdeploy/containers --runroot /run/nixdeploy/containers images --digests --format '{{.Digest}}'"));
    }
}
