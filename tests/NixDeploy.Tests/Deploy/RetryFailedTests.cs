using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Deploy;

public sealed class RetryFailedHosts() : TestHosts(first: 196, count: 4);

/// <summary>NixDeployRetryFailed: deploy again only the machines the last deploy-report.json says did not get there.</summary>
public sealed class RetryFailedTests(RetryFailedHosts hosts) : IClassFixture<RetryFailedHosts>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nixdeploy-retry-").FullName;

    // Fails until the test creates the file on the host: a machine made to fail, then fixed without a rebuild.
    private const string CheckForMarker = """[ { command = "test -e /run/retry-ok"; timeout = 2; interval = 1; } ]""";

    [Fact]
    public async Task A_retry_deploys_only_the_machine_that_failed_and_then_finds_nothing_to_retry()
    {
        var a = hosts.Lease(2);
        using var fleet = await DeployFleet.CreateAsync("retry", hosts,
            DeployFleet.Machine("web-1", a[0]), DeployFleet.Machine("web-2", a[1]) with { HealthChecksNix = CheckForMarker });
        (await fleet.Deploy().BuildAsync()).AssertFailed();
        Assert.Equal("deployed", fleet.Status("web-1"));
        Assert.NotEqual("deployed", fleet.Status("web-2"));
        Assert.Equal("", await hosts.LiveSystemAsync(a[1]));
        await hosts.RunAsync(a[1], "touch /run/retry-ok");
        var web1Generations = await hosts.ProfileGenerationsAsync(a[0]);

        var retry = await fleet.Deploy(("NixDeployRetryFailed", "true")).BuildAsync();

        retry.AssertSucceeded();
        Assert.Equal(["web-2"], fleet.Report()["machines"]!.AsObject().Select(machine => machine.Key));
        Assert.Equal("deployed", fleet.Status("web-2"));
        Assert.Equal(fleet.Closure("web-2"), await hosts.LiveSystemAsync(a[1]));
        Assert.Equal(fleet.Closure("web-1"), await hosts.LiveSystemAsync(a[0]));
        Assert.Equal(web1Generations, await hosts.ProfileGenerationsAsync(a[0]));

        var report = File.ReadAllText(fleet.ReportPath);
        var nothing = await fleet.Deploy(("NixDeployRetryFailed", "true")).BuildAsync();

        nothing.AssertSucceeded();
        Assert.Contains("nothing to retry", nothing.StandardOutput);
        Assert.False(nothing.TargetRan("_NixDeployDeploy"));
        Assert.False(nothing.TargetRan("_NixDeployEvaluateBlueprint"));
        Assert.Equal(report, File.ReadAllText(fleet.ReportPath));

        var tool = await InstalledTool.RunAsync(fleet.Project.Directory, "deploy", "--retry-failed");

        Assert.True(tool.ExitCode == 0, tool.ToString());
        Assert.Contains("Nothing to retry", tool.StandardOutput);
        Assert.Equal(report, File.ReadAllText(fleet.ReportPath));
    }

    [Fact]
    public void Failed_unreachable_rolled_back_and_skipped_machines_are_retried_the_others_not()
    {
        var path = Path.Combine(_directory, "deploy-report.json");
        var statuses = Enum.GetValues<MachineStatus>();
        DeployReport.Json.Write(path, new DeployReport(DeployReport.CurrentSchemaVersion, false, false, DateTimeOffset.UnixEpoch, 1, 1,
            FailurePolicy.Continue, statuses.ToDictionary(status => "m-" + status.ToReportName(),
                status => new MachineReport(status, "a", null, null, 0, [], null, null))));

        Assert.Equal(["m-failed", "m-rolled-back", "m-skipped", "m-unreachable"], RetrySelection.FailedMachines(path, "", "p.nixdeploy"));
    }

    [Fact]
    public void A_retry_without_a_report_or_with_a_selection_is_a_coded_error()
    {
        var path = Path.Combine(_directory, "deploy-report.json");

        var missing = Assert.Throws<NixDeployException>(() => RetrySelection.FailedMachines(path, null, "p.nixdeploy"));
        Assert.Equal(ErrorCodes.RetryReportUnreadable, missing.Code);
        Assert.Equal("p.nixdeploy", missing.Diagnostics[0].File);
        File.WriteAllText(path, "{ not json");
        Assert.Equal(ErrorCodes.RetryReportUnreadable, Assert.Throws<NixDeployException>(() => RetrySelection.FailedMachines(path, null, "p.nixdeploy")).Code);
        var both = Assert.Throws<NixDeployException>(() => RetrySelection.FailedMachines(path, "web-1", "p.nixdeploy"));
        Assert.Equal(ErrorCodes.RetryWithSelection, both.Code);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
