using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Deploy;

public sealed class DeployLogHosts() : TestHosts(first: 208, count: 3);

/// <summary>
/// What switch-to-configuration and the health checks print on a host is kept there during the deploy, fetched into
/// one file per machine and run under bin/nixdeploy/logs (named in deploy-report.json), and shown by --verbose.
/// </summary>
public sealed class DeployLogTests(DeployLogHosts hosts) : IClassFixture<DeployLogHosts>
{
    private const string ChattyCheck = """[ { command = "echo checking-web-now; grep -qx healthy /run/standin/services/web"; timeout = 3; interval = 1; } ]""";

    [Fact]
    public async Task Activation_health_check_and_rollback_output_land_in_the_machines_log_named_in_the_report()
    {
        var address = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("logs", hosts, DeployFleet.Machine("web-1", address) with { HealthChecksNix = ChattyCheck });

        (await fleet.Deploy().BuildAsync()).AssertSucceeded();

        var closure = fleet.Closure("web-1");
        var log = fleet.MachineReport("web-1")["log"]!.GetValue<string>();
        Assert.Equal(Path.GetFullPath(fleet.Project.PathOf("bin/nixdeploy/logs")), Path.GetDirectoryName(log));
        Assert.EndsWith("-web-1.log", log);
        var text = File.ReadAllText(log);
        Assert.Contains($"== switch-to-configuration test ({closure})\nactivating the configuration...\nstarting the following units: web.service (healthy)\n== exit 0", text);
        Assert.Contains("== health check: echo checking-web-now; grep -qx healthy /run/standin/services/web\nchecking-web-now\n== exit 0", text);
        Assert.Contains($"== switch-to-configuration boot ({closure})\nupdating the boot entry: {closure}\n== exit 0", text);
        // Fetched, so gone from the host.
        Assert.Equal("", await hosts.RunAsync(address, "ls /run/nixdeploy/ | grep '[.]log$' || true"));

        // A failing activation: its output, and the watchdog's rollback, in a new file; the error names it.
        await fleet.ReconfigureAsync("web-1", m => m with { Configuration = m.Configuration + "\n  nixdeploy.standin.activation = \"fail\";" });
        var failed = await fleet.Deploy().BuildAsync();

        failed.AssertFailed();
        var failedLog = fleet.MachineReport("web-1")["log"]!.GetValue<string>();
        Assert.NotEqual(log, failedLog);
        Assert.True(File.Exists(log), "the first deploy's log was replaced");
        var failedText = File.ReadAllText(failedLog);
        Assert.Contains("activating web-1 failed (stand-in fault: nixdeploy.standin.activation = \"fail\")\n== exit 1", failedText);
        Assert.Contains("== rollback (the watchdog's log)", failedText);
        Assert.Contains("rolled-back: live system is '" + closure + "'", failedText);
        Assert.Contains(failed.Errors, e => e.Code == "ND5004" && e.Message.Contains("Its host's output: " + failedLog));
    }

    // Each session costs the host a login shell and the agent, and the deployer an ssh process: a deploy that goes
    // well makes only the sessions its steps need, and its log comes back with the confirmation.
    [Fact]
    public async Task A_deploy_that_goes_well_fetches_its_log_with_the_confirmation_in_no_session_of_its_own()
    {
        var address = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("log-with-finish", hosts, DeployFleet.Machine("web-3", address) with { HealthChecksNix = ChattyCheck });

        var result = await fleet.Deploy().BuildAsync();

        result.AssertSucceeded();
        var sessions = result.DetailedLog.Split('\n').Where(line => line.Contains($"NixDeploy: running ssh root@{address}:", StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf("nixdeploy-agent ", StringComparison.Ordinal) is var at and >= 0 ? at : line.IndexOf("health check", StringComparison.Ordinal))..].Split(' ')[..2])
            .Select(words => string.Join(' ', words)).ToList();
        Assert.Equal(["nixdeploy-agent lock", "nixdeploy-agent activate", "health check:", "nixdeploy-agent finish"], sessions);
        var text = File.ReadAllText(fleet.MachineReport("web-3")["log"]!.GetValue<string>());
        Assert.Contains("== health check: echo checking-web-now; grep -qx healthy /run/standin/services/web\nchecking-web-now\n== exit 0", text);
        Assert.Contains($"== switch-to-configuration boot ({fleet.Closure("web-3")})\nupdating the boot entry: {fleet.Closure("web-3")}\n== exit 0", text);
        Assert.Equal("", await hosts.RunAsync(address, "ls -A /run/nixdeploy/ | grep -v '[.]lock$' || true"));
    }

    [Fact]
    public async Task Verbose_prints_each_machines_log_prefixed_by_the_machine()
    {
        var address = hosts.Lease(1)[0];
        using var fleet = await DeployFleet.CreateAsync("verbose", hosts, DeployFleet.Machine("web-2", address) with { HealthChecksNix = ChattyCheck });

        var quiet = await InstalledTool.RunAsync(fleet.Project.Directory, "deploy");
        await fleet.ReconfigureAsync("web-2", m => m with { Configuration = m.Configuration + "\n  services.extra.enable = true;" });
        var verbose = await InstalledTool.RunAsync(fleet.Project.Directory, "deploy", "--verbose");

        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.DoesNotContain("web-2 | ", quiet.StandardOutput);
        Assert.True(verbose.ExitCode == 0, verbose.ToString());
        Assert.Contains("web-2 | activating the configuration...", verbose.StandardOutput);
        Assert.Contains("web-2 | checking-web-now", verbose.StandardOutput);
        Assert.Contains("web-2: " + fleet.MachineReport("web-2")["log"]!.GetValue<string>(), verbose.StandardOutput);
    }
}
