using System.Text.Json.Nodes;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Deploy;

public sealed class HostStateHosts() : TestHosts(first: 190, count: 5);

/// <summary>
/// What a deploy reads and checks on a host: that an activation really took before it is confirmed, whether the
/// new system needs a reboot (its kernel, initrd or kernel parameters), and cloud-hypervisor guests with what their
/// worker needs to boot them.
/// </summary>
public sealed class HostStateTests(HostStateHosts hosts) : IClassFixture<HostStateHosts>
{
    // Exits 0 from switch-to-configuration test without activating anything: the live system stays as it was.
    private const string ActivationDoesNotTake = "\n  nixdeploy.standin.activation = \"noop\";";

    [Fact]
    public async Task A_deploy_without_a_live_view_copies_without_reading_nixs_log_line_by_line()
    {
        // Nix's JSON log, read line by line as it arrives, is for the live view's progress file only (as for a push,
        // PushCacheTests): without one, the copy is the plain command, its messages read once it ended.
        var a = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("quietcopy", hosts, DeployFleet.Machine("web-1", a));

        var deploy = await fleet.Deploy().BuildAsync();

        deploy.AssertSucceeded();
        Assert.Equal(fleet.Closure("web-1"), await hosts.LiveSystemAsync(a));
        var copy = Assert.Single(deploy.StandardOutput.Split('\n'), line => line.Contains("NixDeploy: running nix ", StringComparison.Ordinal)
            && line.Contains(" copy ", StringComparison.Ordinal) && line.Contains("--to ssh", StringComparison.Ordinal));
        Assert.DoesNotContain("--log-format internal-json", copy);
    }

    [Fact]
    public async Task An_activation_that_does_not_take_is_rolled_back_before_it_is_confirmed()
    {
        var a = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("notake", hosts, DeployFleet.Machine("web-1", a));
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        var previous = fleet.Closure("web-1");
        await fleet.ReconfigureAsync("web-1", m => m with { Configuration = m.Configuration + ActivationDoesNotTake });

        var result = await fleet.Deploy().BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        Assert.Equal("rolled-back", fleet.Status("web-1"));
        Assert.Equal("ND5020", fleet.ErrorCode("web-1"));
        Assert.Contains(result.Errors, e => e.Code == "ND5020" && e.Message.Contains(previous, StringComparison.Ordinal));
        Assert.DoesNotContain("confirm", fleet.Steps("web-1"));
        Assert.Equal(previous, await hosts.LiveSystemAsync(a));
        Assert.Equal([$"1:{previous}"], await hosts.ProfileGenerationsAsync(a));
        Assert.Equal(previous, await hosts.BootEntryAsync(a));
        Assert.False(await hosts.WatchdogArmedAsync(a));
        Assert.Empty(await hosts.DeployStateDirectoriesAsync(a));
    }

    [Fact]
    public async Task A_first_activation_that_does_not_take_fails_saying_the_host_has_no_system_again()
    {
        var a = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("firstnotake", hosts,
            // No health check, which would fail for the service status the activation never wrote.
            DeployFleet.Machine("web-1", a) with { Configuration = ActivationDoesNotTake, HealthChecksNix = "[ ]" });

        var result = await fleet.Deploy().BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        Assert.Equal("failed", fleet.Status("web-1"));
        Assert.Equal("ND5021", fleet.ErrorCode("web-1"));
        Assert.Contains(result.Errors, e => e.Code == "ND5021" && e.Message.Contains("no system", StringComparison.Ordinal));
        Assert.Null(fleet.MachineReport("web-1")["previousClosure"]);
        Assert.Equal("", await hosts.LiveSystemAsync(a));
        Assert.Equal("", await hosts.ProfileAsync(a));
        Assert.Empty(await hosts.ProfileGenerationsAsync(a));
        Assert.Equal("", await hosts.BootEntryAsync(a));
        Assert.False(await hosts.WatchdogArmedAsync(a));
        Assert.Empty(await hosts.DeployStateDirectoriesAsync(a));
    }

    [Fact]
    public async Task A_reboot_is_reported_required_when_the_kernel_parameters_change_or_the_booted_system_boots_otherwise()
    {
        var a = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("reboot", hosts, DeployFleet.Machine("web-1", a));
        bool? RebootRequired() => fleet.MachineReport("web-1")["rebootRequired"]?.GetValue<bool>();

        // A host with no system at all runs no kernel of this closure.
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        Assert.True(RebootRequired());

        await fleet.ReconfigureAsync("web-1", m => m with { Configuration = m.Configuration + "\n  services.extra.enable = true;" });
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        var sameBoot = fleet.Closure("web-1");
        Assert.Equal("deployed", fleet.Status("web-1"));
        Assert.False(RebootRequired());

        await fleet.ReconfigureAsync("web-1", m => m with { Configuration = m.Configuration + "\n  boot.kernelParams = [ \"console=ttyS0\" ];" });
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        Assert.Equal("deployed", fleet.Status("web-1"));
        Assert.Equal(fleet.Closure("web-1"), await hosts.LiveSystemAsync(a));
        Assert.True(RebootRequired());

        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        Assert.Equal("unchanged", fleet.Status("web-1"));
        Assert.False(RebootRequired());

        // As NixOS records at boot: the host still runs the kernel command line of the system it booted.
        await hosts.RunAsync(a, $"ln -sfn {sameBoot} /run/booted-system");
        (await fleet.Deploy().BuildAsync()).AssertSucceeded();
        Assert.Equal("unchanged", fleet.Status("web-1"));
        Assert.True(RebootRequired());
    }

    [Fact]
    public async Task A_cloud_hypervisor_guest_is_deployed_over_ssh_and_deployment_json_says_how_to_boot_it()
    {
        var a = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("chv", hosts,
            DeployFleet.Machine("vm-1", a) with
            {
                Backend = "cloud-hypervisor",
                Configuration = "nixdeploy.standin.services.web.healthy = true;\n  boot.kernelParams = [ \"console=ttyS0\" \"quiet\" ];",
            });

        var result = await fleet.Deploy().BuildAsync();

        result.AssertSucceeded();
        var closure = fleet.Closure("vm-1");
        Assert.Equal("deployed", fleet.Status("vm-1"));
        Assert.Equal(closure, await hosts.LiveSystemAsync(a));
        var manifest = JsonNode.Parse(File.ReadAllText(fleet.Project.PathOf("bin/nixdeploy/deployment.json")))!;
        Assert.Equal("cloud-hypervisor", manifest["blueprint"]!["vm-1"]!["deployment"]!["backend"]!.GetValue<string>());
        var vm = manifest["vms"]!["vm-1"]!;
        Assert.Equal(new FileInfo(Path.Combine(closure, "kernel")).ResolveLinkTarget(true)!.FullName, vm["kernel"]!.GetValue<string>());
        Assert.Equal(new FileInfo(Path.Combine(closure, "initrd")).ResolveLinkTarget(true)!.FullName, vm["initrd"]!.GetValue<string>());
        Assert.StartsWith("/nix/store/", vm["kernel"]!.GetValue<string>());
        Assert.Equal("console=ttyS0 quiet", vm["kernelParams"]!.GetValue<string>());
        Assert.Equal(1, vm["cpu"]!.GetValue<double>());
        Assert.Equal("GB", vm["memory"]!["unit"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cloud_hypervisor_machine_whose_system_cannot_boot_is_a_coded_error_and_writes_no_manifest()
    {
        using var fleet = await DeployFleet.CreateAsync("chvcontainer", hosts,
            DeployFleet.Machine("vm-1", hosts.DeadAddress) with { Backend = "cloud-hypervisor", Configuration = "boot.isContainer = true;" },
            DeployFleet.Machine("web-1", hosts.DeadAddress) with { Configuration = "boot.isContainer = true;" });

        var result = await fleet.Project.Dotnet().WithEnvironment(NixEnvironment.Variables).BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        var error = Assert.Single(result.Errors);
        Assert.Equal("ND1140", error.Code);
        Assert.StartsWith("vm-1", error.Message);
        Assert.Contains("kernel", error.Message);
        Assert.False(File.Exists(fleet.Project.PathOf("bin/nixdeploy/deployment.json")), "a manifest was written for a guest that cannot boot");
    }
}
