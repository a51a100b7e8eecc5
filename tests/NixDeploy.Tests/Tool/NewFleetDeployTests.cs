using System.Text.Json;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Templates;

namespace NixDeploy.Tests.Tool;

public sealed class NewFleetHosts() : TestHosts(first: 170, count: 2);

/// <summary>
/// A new fleet as the README's quickstart makes one: `dotnet new nixfleet`, the nixpkgs stand-in and the test hosts set in the
/// git-ignored fleet.nixdeploy.user layer, then the installed tool deploys, reports status, plans, deploys one
/// machine and rolls it back, on real SSH hosts.
/// </summary>
public sealed class NewFleetDeployTests(NewFleetHosts hosts) : IClassFixture<NewFleetHosts>
{
    private const char Escape = '\u001b';

    [Fact]
    public async Task A_new_fleet_deploys_with_the_tool_and_reports_its_live_state()
    {
        var addresses = hosts.Lease(2);
        var folder = TestRunDirectory.CreateFolder("new-fleet");
        var fleet = Path.Combine(folder, "fleet");
        // The blueprint says addr = the machine's name; only the local layer points the machines at the test hosts.
        await NewFleet.CreateAsync(fleet, $"""
              <PropertyGroup>
                <NixDeploySshIdentityFile>{hosts.IdentityFile}</NixDeploySshIdentityFile>
                <NixDeploySshKnownHostsFile>{hosts.KnownHostsFile}</NixDeploySshKnownHostsFile>
              </PropertyGroup>
              <ItemGroup>
                <NixDeployMachineOverride Include="web-1" Addr="{addresses[0]}" SshPort="{TestHosts.Port}" />
                <NixDeployMachineOverride Include="web-2" Addr="{addresses[1]}" SshPort="{TestHosts.Port}" />
              </ItemGroup>
            """, "--machines", "web-1,web-2", "--profile", "server");

        // Redirected (CI): plain lines, no escape codes.
        var deployed = await InstalledTool.RunAsync(fleet, "deploy");
        Assert.True(deployed.ExitCode == 0, deployed.ToString());
        Assert.Contains("web-1: copy", deployed.StandardOutput);
        Assert.Contains("web-1: deployed", deployed.StandardOutput);
        Assert.Contains("web-2: deployed", deployed.StandardOutput);
        Assert.DoesNotContain(Escape, deployed.All);
        var first = JsonDocument.Parse(File.ReadAllText(Path.Combine(fleet, "bin", "nixdeploy", "deployment.json"))).RootElement.GetProperty("closures");
        Assert.Equal(first.GetProperty("web-1").GetString(), await hosts.LiveSystemAsync(addresses[0]));

        // In a terminal: the live table, drawn with escape codes and box characters.
        var again = await InstalledTool.RunInTerminalAsync(fleet, "deploy");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains(Escape, again.StandardOutput);
        Assert.Matches(@"│ web-1\s+│ .*unchanged", again.StandardOutput);
        Assert.Contains("2 unchanged", again.StandardOutput);

        var nothingToDo = await InstalledTool.RunAsync(fleet, "plan", "--exit-code");
        Assert.True(nothingToDo.ExitCode == 0, nothingToDo.ToString());

        var allGood = await InstalledTool.RunAsync(fleet, "status");
        Assert.True(allGood.ExitCode == 0, allGood.ToString());
        Assert.EndsWith("exit 0: all 2 machine(s) run their desired closure.\n", allGood.StandardOutput);

        var status = await InstalledTool.RunAsync(fleet, "status", "--json");
        Assert.True(status.ExitCode == 0, status.ToString());
        foreach (var machine in JsonDocument.Parse(status.StandardOutput).RootElement.EnumerateArray())
        {
            Assert.True(machine.GetProperty("reachable").GetBoolean());
            Assert.True(machine.GetProperty("atDesiredClosure").GetBoolean());
            Assert.Equal(1, machine.GetProperty("generation").GetInt32());
            Assert.Equal("unchanged", machine.GetProperty("lastDeployStatus").GetString());
        }

        // A change to web-2: plan shows it, deploy --on web-2 --json reports it, rollback takes it back.
        await NewFleet.EditMachineAsync(fleet, "web-2",
            "{ profile = \"desktop\"; modules = [ ({ pkgs, ... }: { environment.systemPackages = [ (pkgs.writeShellScriptBin \"extratool\" \"echo extra\") ]; }) ]; }");
        var plan = await InstalledTool.RunAsync(fleet, "plan", "--json");
        Assert.True(plan.ExitCode == 0, plan.ToString());
        var actions = JsonDocument.Parse(plan.StandardOutput).RootElement.EnumerateArray()
            .ToDictionary(row => row.GetProperty("machine").GetString()!, row => row.GetProperty("action").GetString());
        Assert.Equal("unchanged", actions["web-1"]);
        Assert.Equal("change", actions["web-2"]);
        // The package-level difference is nix store diff-closures' own: web-2 gains a package.
        var web2 = JsonDocument.Parse(plan.StandardOutput).RootElement.EnumerateArray().Single(row => row.GetProperty("machine").GetString() == "web-2");
        Assert.Contains(web2.GetProperty("packageChanges").EnumerateArray(), change => change.GetString()!.StartsWith("extratool: ", StringComparison.Ordinal));

        // Text: Nix's "extratool: ∅ → ε" in words; --exit-code says there is something to deploy.
        var pending = await InstalledTool.RunAsync(fleet, "plan", "--exit-code");
        Assert.True(pending.ExitCode == 4, pending.ToString());
        Assert.Contains("    extratool: added", pending.StandardOutput);
        Assert.DoesNotContain("∅", pending.StandardOutput);

        // deploy --dry-run shows what would change, and leaves the last deploy's report (what status reads) as it was.
        var reportFile = Path.Combine(fleet, "bin", "nixdeploy", "deploy-report.json");
        var lastReport = File.ReadAllText(reportFile);
        var dryRun = await InstalledTool.RunAsync(fleet, "deploy", "--on", "web-2", "--dry-run", "--json");
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        var wouldBe = JsonDocument.Parse(dryRun.StandardOutput).RootElement;
        Assert.True(wouldBe.GetProperty("dryRun").GetBoolean());
        Assert.Equal("would-change", wouldBe.GetProperty("machines").GetProperty("web-2").GetProperty("status").GetString());
        Assert.Equal(lastReport, File.ReadAllText(reportFile));
        Assert.Equal(first.GetProperty("web-2").GetString(), await hosts.LiveSystemAsync(addresses[1]));

        var second = await InstalledTool.RunAsync(fleet, "deploy", "--on", "web-2", "--json");
        Assert.True(second.ExitCode == 0, second.ToString());
        var report = JsonDocument.Parse(second.StandardOutput).RootElement.GetProperty("machines");
        Assert.Equal("deployed", report.GetProperty("web-2").GetProperty("status").GetString());
        Assert.NotEqual(first.GetProperty("web-2").GetString(), await hosts.LiveSystemAsync(addresses[1]));

        // That build selected web-2 alone; deployment.json still holds web-1's desired state, which web-1 runs.
        var partial = await InstalledTool.RunAsync(fleet, "status");
        Assert.True(partial.ExitCode == 0, partial.ToString());
        Assert.EndsWith("exit 0: all 2 machine(s) run their desired closure.\n", partial.StandardOutput);

        var rollback = await InstalledTool.RunAsync(fleet, "rollback", "web-2", "--json");
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        var rolledBack = JsonDocument.Parse(rollback.StandardOutput).RootElement[0];
        Assert.True(rolledBack.GetProperty("rolledBack").GetBoolean());
        Assert.Equal(1, rolledBack.GetProperty("generation").GetInt32());
        Assert.Equal(first.GetProperty("web-2").GetString(), await hosts.LiveSystemAsync(addresses[1]));

        // Generation 1 is the oldest: another rollback is refused with its code, nothing changes.
        var oldest = await InstalledTool.RunAsync(fleet, "rollback", "web-2");
        Assert.True(oldest.ExitCode == 1, oldest.ToString());
        Assert.Contains("error ND7006:", oldest.StandardError);

        // A setting that changes no package version: plan names what changed in the closure (its /etc).
        await NewFleet.EditMachineAsync(fleet, "web-1", "{ profile = defaultProfile; modules = [ { nixdeploy.standin.services.web.healthy = true; } ]; }");
        var setting = await InstalledTool.RunAsync(fleet, "plan", "--on", "web-1", "--json");
        Assert.True(setting.ExitCode == 0, setting.ToString());
        var web1 = JsonDocument.Parse(setting.StandardOutput).RootElement.EnumerateArray().Single();
        Assert.Equal("change", web1.GetProperty("action").GetString());
        Assert.Empty(web1.GetProperty("packageChanges").EnumerateArray());
        Assert.Contains(web1.GetProperty("changedContents").EnumerateArray(), name => name.GetString() == "etc");
        TestRunDirectory.Remove(folder);
    }
}
