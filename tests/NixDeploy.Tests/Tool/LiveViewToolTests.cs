using System.Globalization;
using System.Text.RegularExpressions;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Tool;

public sealed class LiveViewHosts() : TestHosts(first: 229, count: 10);

/// <summary>
/// The tool's live view as a person sees it: the tool runs in a pseudo-terminal of a given width and the assertions
/// are on the rendered screen (<see cref="TerminalScreen"/>); redirected, on its plain lines.
/// </summary>
public sealed class LiveViewToolTests(LiveViewHosts hosts) : IClassFixture<LiveViewHosts>
{
    [Fact]
    public async Task The_header_the_rows_and_the_summary_read_one_clock()
    {
        var addresses = hosts.Lease(2);
        using var fleet = await DeployFleet.CreateAsync("liveclock", hosts,
            DeployFleet.Machine("web-1", addresses[0]), DeployFleet.Machine("web-2", addresses[1]));

        var (deploy, screen) = await InstalledTool.RunOnScreenAsync(fleet.Project.Directory, 120, "deploy");

        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        var header = Seconds(screen, @"^dotnet nixdeploy deploy \(liveclock\.nixdeploy\) · done in (\d+\.\d) s$");
        var summary = Seconds(screen, @"^Deploy: 2 machine\(s\): 2 deployed in (\d+\.\d) s ");
        Assert.Equal(header, summary);
        foreach (var machine in new[] { "web-1", "web-2" })
        {
            var row = Seconds(screen, $@"^│ {machine} +│ deployed +│ +(\d+\.\d) s │$");
            Assert.True(row > 0 && row <= header, screen.Text);
        }

        // plan's title says what it is, not "building", once it is done.
        var (plan, planScreen) = await InstalledTool.RunOnScreenAsync(fleet.Project.Directory, 120, "plan");

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Seconds(planScreen, @"^dotnet nixdeploy plan \(liveclock\.nixdeploy\) · done in (\d+\.\d) s$");
        Assert.DoesNotContain("building", planScreen.Text);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(132)]
    public async Task Nothing_wraps_mid_address_or_mid_path(int columns)
    {
        var addresses = hosts.Lease(2);
        using var fleet = await DeployFleet.CreateAsync($"livewidth{columns}", hosts,
            DeployFleet.Machine("web-1", addresses[0]), DeployFleet.Machine("web-2", addresses[1]));

        var (deploy, deployScreen) = await InstalledTool.RunOnScreenAsync(fleet.Project.Directory, columns, "deploy");
        var (status, statusScreen) = await InstalledTool.RunOnScreenAsync(fleet.Project.Directory, columns, "status");
        var (plan, planScreen) = await InstalledTool.RunOnScreenAsync(fleet.Project.Directory, columns, "plan");

        foreach (var (result, screen) in new[] { (deploy, deployScreen), (status, statusScreen), (plan, planScreen) })
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.True(screen.WrappedLines.Count == 0, $"wrapped at {columns} columns:\n{screen.Text}");
        }
        foreach (var (machine, address) in new[] { ("web-1", addresses[0]), ("web-2", addresses[1]) })
        {
            Assert.True(Regex.IsMatch(statusScreen.Text, $@"│ {machine} +│ {Regex.Escape(address)} +│ …-nixos-system-{machine}[^ ]* +│ 1 +│ yes +│ deployed +│"), statusScreen.Text);
            Assert.True(planScreen.Lines.Any(line => Regex.IsMatch(line, $@"^{machine}: unchanged \(…-nixos-system-{machine}-[^ ]+\)$")), planScreen.Text);
        }
    }

    [Fact]
    public async Task Redirected_output_is_one_plain_line_per_step_without_internal_names_or_noise()
    {
        var addresses = hosts.Lease(1);
        using var fleet = await DeployFleet.CreateAsync("liveplain", hosts, DeployFleet.Machine("web-1", addresses[0]));

        var deploy = await InstalledTool.RunAsync(fleet.Project.Directory, "deploy");
        var json = await InstalledTool.RunAsync(fleet.Project.Directory, "deploy", "--json");

        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        Assert.False(deploy.All.Contains('\u001b'), deploy.ToString());
        Assert.DoesNotContain("keep-files", deploy.StandardOutput);
        Assert.DoesNotContain("evaluated", deploy.StandardOutput);
        var lines = deploy.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("web-1: building", lines);
        Assert.Contains("web-1: copying the closure", lines);
        Assert.Contains("web-1: activating", lines);
        Assert.Contains(lines, line => Regex.IsMatch(line, @"^web-1: deployed \(\d+\.\d s\)$"));
        // --json is the report itself, as before.
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(File.ReadAllText(fleet.ReportPath).TrimEnd(), json.StandardOutput.TrimEnd());
    }

    /// <summary>The number the first screen line matching <paramref name="pattern"/> captures.</summary>
    private static double Seconds(TerminalScreen screen, string pattern)
    {
        var match = screen.Lines.Select(line => Regex.Match(line, pattern)).FirstOrDefault(m => m.Success);
        Assert.True(match is not null, $"no line matches {pattern}:\n{screen.Text}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
