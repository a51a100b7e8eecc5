using System.Text.Json;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.ControlPlane;

public sealed class PullDeployHosts() : TestHosts(first: 150, count: 2);

/// <summary>
/// Deploy of a fleet that mixes push and pull machines: through a real control plane (push machines deployed over
/// SSH to test hosts, the pull machine waited for and then pending), and without one (refused).
/// </summary>
public sealed class PullDeployTests(PullDeployHosts hosts) : IClassFixture<PullDeployHosts>
{
    [Fact]
    public async Task Through_the_control_plane_a_pull_machine_that_never_reports_is_pending_a_warning_and_exit_0_and_an_error_with_NixDeployRequireAll()
    {
        var address = hosts.Lease(1)[0];
        await using var server = await ControlPlaneServer.StartAsync("pull-deploy", hosts);
        var (_, ciTokenFile) = await server.CreateTokenFileAsync("ci");
        // The project's own setting, which the tool's deploy takes too.
        using var fleet = await DeployFleet.CreateAsync("pullfleet", hosts, project => project.Property("NixDeployPullTimeout", "2"),
            DeployFleet.Machine("web-1", address), Pull("laptop-1"));
        (string, string)[] controlPlane = [("NixDeployControlPlane", server.Url), ("NixDeployControlPlaneTokenFile", ciTokenFile)];

        var deploy = await fleet.Deploy(controlPlane).BuildAsync();

        deploy.AssertSucceeded();
        deploy.AssertNoStackTrace();
        Assert.Equal(fleet.Closure("web-1"), await hosts.LiveSystemAsync(address));
        Assert.Equal("deployed", fleet.Status("web-1"));
        Assert.Equal(("pending", "ND8133"), (fleet.Status("laptop-1"), fleet.ErrorCode("laptop-1")));
        Assert.Equal(fleet.Closure("laptop-1"), fleet.MachineReport("laptop-1")["newClosure"]!.GetValue<string>());
        var warning = Assert.Single(deploy.Warnings, w => w.Code == "ND8133");
        Assert.Contains("laptop-1 (pending): its agent has not applied this deployment yet", warning.Message);
        Assert.Empty(deploy.Errors);
        Assert.Contains("laptop-1 still pending after 2 s (NixDeployPullTimeout)", deploy.StandardOutput);

        // status without the server knows the pull machine from the report only: pending; the push machine live.
        var status = await InstalledTool.RunAsync(fleet.Project.Directory, "status", "--json");
        Assert.True(status.ExitCode == 1, status.ToString());
        var rows = JsonDocument.Parse(status.StandardOutput).RootElement.EnumerateArray().ToDictionary(row => row.GetProperty("machine").GetString()!);
        Assert.True(rows["web-1"].GetProperty("atDesiredClosure").GetBoolean());
        Assert.Equal(("pending", false), (rows["laptop-1"].GetProperty("lastDeployStatus").GetString(), rows["laptop-1"].GetProperty("atDesiredClosure").GetBoolean()));

        // The tool's deploy: the same warning, exit 0.
        var toolDeploy = await InstalledTool.RunAsync(fleet.Project.Directory, "deploy", "--server", server.Url, "--token-file", ciTokenFile);
        Assert.True(toolDeploy.ExitCode == 0, toolDeploy.ToString());

        var required = await fleet.Deploy([.. controlPlane, ("NixDeployRequireAll", "true")]).BuildAsync();

        required.AssertFailed();
        var error = Assert.Single(required.Errors);
        Assert.Equal("ND8133", error.Code);
        Assert.Equal("pending", fleet.Status("laptop-1"));
    }

    [Fact]
    public async Task Deploy_and_rollback_without_a_control_plane_refuse_a_pull_machine_and_push_machines_selected_alone_deploy()
    {
        var address = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("pulldirect", hosts, DeployFleet.Machine("web-1", address), Pull("laptop-1"));
        var before = await hosts.LiveSystemAsync(address);

        var refused = await fleet.Deploy().BuildAsync();

        refused.AssertFailed();
        refused.AssertNoStackTrace();
        var error = Assert.Single(refused.Errors);
        Assert.Equal("ND8134", error.Code);
        Assert.Contains("laptop-1 is a pull machine", error.Message);
        Assert.Equal(before, await hosts.LiveSystemAsync(address));

        var pushOnly = await fleet.Deploy(("NixDeployOn", "web-1")).BuildAsync();

        pushOnly.AssertSucceeded();
        Assert.Equal(fleet.Closure("web-1"), await hosts.LiveSystemAsync(address));

        // Nor does the tool connect to it.
        var rollback = await InstalledTool.RunAsync(fleet.Project.Directory, "rollback", "laptop-1");
        Assert.True(rollback.ExitCode == 2 && rollback.StandardError.Contains("ND8134"), rollback.ToString());
    }

    // A laptop: no address, its agent applies what the control plane says.
    private static TestMachine Pull(string name) => DeployFleet.Machine(name, "") with { Mode = "pull" };
}
