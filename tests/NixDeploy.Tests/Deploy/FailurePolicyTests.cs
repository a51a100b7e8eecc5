using System.Diagnostics;
using NixDeploy.Blueprint;
using NixDeploy.Deploy;
using NixDeploy.Nix;
using NixDeploy.Processes;
using NixDeploy.Ssh;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Deploy;

public sealed class FailurePolicyHosts() : TestHosts(first: 120, count: 5);

/// <summary>Unreachable hosts under both failure policies, and two deploys to one host at once.</summary>
public sealed class FailurePolicyTests(FailurePolicyHosts hosts) : IClassFixture<FailurePolicyHosts>
{
    [Fact]
    public async Task With_continue_an_unreachable_host_is_reported_while_the_others_deploy()
    {
        var a = hosts.Lease(2);
        using var fleet = await DeployFleet.CreateAsync("continue", hosts,
            DeployFleet.Machine("a-gone", hosts.DeadAddress), DeployFleet.Machine("web-1", a[0]), DeployFleet.Machine("web-2", a[1]));

        var result = await fleet.Deploy().BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        Assert.Equal("unreachable", fleet.Status("a-gone"));
        // Not "had no system": nothing could be read.
        Assert.Equal("unknown", fleet.MachineReport("a-gone")["previousClosure"]!.GetValue<string>());
        var error = Assert.Single(result.Errors);
        Assert.Equal("ND5001", error.Code);
        Assert.StartsWith("a-gone (unreachable)", error.Message);
        Assert.EndsWith(".nixdeploy", error.File);
        Assert.Equal("deployed", fleet.Status("web-1"));
        Assert.Equal("deployed", fleet.Status("web-2"));
        Assert.Equal(fleet.Closure("web-1"), await hosts.LiveSystemAsync(a[0]));
        Assert.Equal(fleet.Closure("web-2"), await hosts.LiveSystemAsync(a[1]));
        Assert.False(fleet.Report()["succeeded"]!.GetValue<bool>());
    }

    [Fact]
    public async Task With_halt_no_machine_starts_after_an_unreachable_one()
    {
        var a = hosts.Lease(2);
        using var fleet = await DeployFleet.CreateAsync("halt", hosts,
            DeployFleet.Machine("a-gone", hosts.DeadAddress), DeployFleet.Machine("web-1", a[0]), DeployFleet.Machine("web-2", a[1]));

        var result = await fleet.Deploy(("NixDeployOnFailure", "halt"), ("NixDeployParallelism", "1")).BuildAsync();

        result.AssertFailed();
        Assert.Equal("unreachable", fleet.Status("a-gone"));
        Assert.Equal("skipped", fleet.Status("web-1"));
        Assert.Equal("skipped", fleet.Status("web-2"));
        Assert.Equal("unknown", fleet.MachineReport("web-2")["previousClosure"]!.GetValue<string>());
        Assert.Equal(["ND5001", "ND5014", "ND5014"], result.Errors.Select(e => e.Code).Order());
        Assert.Equal("", await hosts.LiveSystemAsync(a[0]));
        Assert.Equal("", await hosts.LiveSystemAsync(a[1]));
        Assert.False(await hosts.InStoreAsync(a[0], fleet.Closure("web-1")));
    }

    [Fact]
    public async Task A_second_deploy_to_a_host_being_deployed_fails_fast_with_the_lock_error_and_touches_nothing()
    {
        var a = hosts.Lease(1);
        using var fleet = await DeployFleet.CreateAsync("lock", hosts,
            DeployFleet.Machine("web-1", a[0]) with { HealthChecksNix = """[ { command = "sleep 8"; timeout = 15; interval = 1; } ]""" },
            // Never deployed: its closure is the one the second deploy tries to put on web-1's host.
            DeployFleet.Machine("web-2", hosts.DeadAddress));
        // Both closures are built first; the second deploy wants web-2's closure on web-1's host.
        (await fleet.Project.Dotnet().WithEnvironment(NixEnvironment.Variables).BuildAsync()).AssertSucceeded();
        var other = fleet.Closure("web-2");
        var first = fleet.Deploy(("NixDeployOn", "web-1")).BuildAsync();
        await TestHosts.WaitUntilAsync(async () => first.IsCompleted || await hosts.LiveSystemAsync(a[0]) != "",
            TimeSpan.FromSeconds(90), "the first deploy to activate");
        Assert.False(first.IsCompleted, "the first deploy ended before the second could start");

        var web1 = fleet.Closure("web-1");
        var clock = Stopwatch.StartNew();
        var secondReport = await new FleetDeployer(Settings(), Deployer(), NullCommandLog.Instance)
            .DeployAsync([new MachinePlan("web-1", Deployment(a[0]), other)], [new DeployWave(1, "*", ["web-1"])], CancellationToken.None);
        Assert.False(first.IsCompleted, $"the second deploy waited for the first ({clock.Elapsed}) instead of failing fast");
        var firstResult = await first;

        var second = secondReport.Machines["web-1"];
        Assert.Equal(MachineStatus.Failed, second.Status);
        Assert.Equal("ND5002", second.ErrorCode);
        Assert.Equal(MachineReport.UnknownPreviousClosure, second.PreviousClosure);
        firstResult.AssertSucceeded();
        Assert.Equal(web1, await hosts.LiveSystemAsync(a[0]));
        Assert.Equal([$"1:{web1}"], await hosts.ProfileGenerationsAsync(a[0]));
        Assert.False(await hosts.InStoreAsync(a[0], other), "the locked-out deploy copied its closure");
    }

    [Fact]
    public async Task A_bad_deploy_setting_is_a_coded_error_on_the_project_before_any_host_is_contacted()
    {
        using var fleet = await DeployFleet.CreateAsync("badsetting", hosts, DeployFleet.Machine("web-1", hosts.DeadAddress));

        var result = await fleet.Deploy(("NixDeployOnFailure", "sometimes")).BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        var error = Assert.Single(result.Errors);
        Assert.Equal("ND5011", error.Code);
        Assert.Contains("NixDeployOnFailure 'sometimes'", error.Message);
        Assert.Equal(fleet.Project.ProjectFile, error.File);
        Assert.False(File.Exists(fleet.ReportPath), "a report was written although nothing was deployed");
    }

    private DeploySettings Settings() => new(new SshOptions(hosts.IdentityFile, hosts.KnownHostsFile), ConfirmTimeoutSeconds: 3, ActivationTimeoutSeconds: 3);

    private MachineDeployer Deployer() => new(Settings(),
        new NixCopyTransport(new NixCli(new ProcessRunner(NullCommandLog.Instance), NixOptions.Default)),
        new HealthCheckRunner(new HttpClient()), NullCommandLog.Instance, Path.Combine(hosts.Directory, "logs"));

    private static DeploymentSpec Deployment(string address) =>
        new(address, "ssh", "root", TestHosts.Port, [], AutoRollback: true);
}
