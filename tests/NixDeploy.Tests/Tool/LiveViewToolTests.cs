using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NixDeploy.Nix;
using NixDeploy.Progress;
using NixDeploy.Tests.Cache;
using NixDeploy.Tests.Deploy;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tool.Output;
using Spectre.Console;

namespace NixDeploy.Tests.Tool;

public sealed class LiveViewHosts() : TestHosts(first: 229, count: 10);

/// <summary>
/// The tool's live view as a person sees it: the tool runs in a pseudo-terminal of a given width and the assertions
/// are on the rendered screen (<see cref="TerminalScreen"/>); redirected, on its plain lines.
/// </summary>
public sealed partial class LiveViewToolTests(LiveViewHosts hosts) : IClassFixture<LiveViewHosts>
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
        Assert.Contains("████████████████████ 2/2 machines", screen.Lines);

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

    /// <summary>
    /// Builds and copies report how far they got while Nix runs: a derivation of web-1's that waits for a file the test
    /// writes only once the progress file names it as building; then the copy to the host counts its paths and their
    /// bytes (Nix 2.8 reports none: the local NAR sizes of the paths whose copy ended, of those Nix copies).
    /// </summary>
    [Fact]
    public async Task Builds_and_copies_report_their_progress_as_nix_runs()
    {
        var addresses = hosts.Lease(1);
        var flag = Path.Combine(TestRunDirectory.CreateFolder("liveactivity-flag"), "go");
        using var fleet = await DeployFleet.CreateAsync("liveactivity", hosts, DeployFleet.Machine("web-1", addresses[0]) with
        {
            Configuration = "nixdeploy.standin.services.web.healthy = true; environment.systemPackages = [ (derivation { name = \"waits-for-the-test\"; "
                + $"system = \"x86_64-linux\"; builder = \"/bin/sh\"; args = [ \"-c\" \"while [ ! -e {flag} ]; do /bin/sleep 0.1; done; /bin/mkdir $out\" ]; }}) ];",
        });
        var progressFile = Path.Combine(Path.GetDirectoryName(flag)!, "progress.jsonl");

        var deploy = fleet.Deploy(("NixDeployProgressFile", progressFile)).BuildAsync();
        var seen = await WaitForAsync(deploy, () => File.Exists(progressFile) && File.ReadAllText(progressFile).Contains("building waits-for-the-test", StringComparison.Ordinal));
        File.WriteAllText(flag, "");
        var result = await deploy;

        Assert.True(seen, $"no progress named the waiting derivation while it built:\n{(File.Exists(progressFile) ? File.ReadAllText(progressFile) : "(no progress file)")}");
        result.AssertSucceeded();
        var details = File.ReadAllLines(progressFile).Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("detail", out _)).Select(e => (Step: e.GetProperty("step").GetString(), Detail: e.GetProperty("detail").GetString()!)).ToList();
        var built = details.Where(d => d.Step == "build").Select(d => Regex.Match(d.Detail, @"^(\d+)/(\d+) built")).Where(m => m.Success).ToList();
        Assert.True(built.Count > 0 && built[^1].Groups[1].Value == built[^1].Groups[2].Value, string.Join('\n', details));
        var copied = details.Where(d => d.Step == "copy").Select(d => CopyDetail().Match(d.Detail)).ToList();
        Assert.True(copied.Count > 0 && copied.All(m => m.Success), string.Join('\n', details));
        // The host started empty: the whole closure was copied, and the last word counts all of its bytes.
        var closure = await LocalNarSizesAsync(await hosts.LiveSystemAsync(addresses[0]));
        AssertAllCopied(copied[^1], closure.Count, closure.Values.Sum(), string.Join('\n', details));
        TestRunDirectory.Remove(Path.GetDirectoryName(flag)!);
    }

    [Fact]
    public async Task A_health_check_reports_each_failed_attempt_with_its_last_output_line()
    {
        var addresses = hosts.Lease(1);
        // Not ready on the first try, ready on the second (the host's own /run).
        using var fleet = await DeployFleet.CreateAsync("livehealth", hosts, DeployFleet.Machine("web-1", addresses[0]) with
        {
            HealthChecksNix = "[ { command = \"if [ -e /run/livehealth-tried ]; then true; else touch /run/livehealth-tried; echo starting; echo not ready yet; exit 1; fi\"; timeout = 10; interval = 1; } ]",
        });
        var progressFile = fleet.Project.PathOf("../progress.jsonl");

        var result = await fleet.Deploy(("NixDeployProgressFile", progressFile)).BuildAsync();

        result.AssertSucceeded();
        Assert.Equal("deployed", fleet.Status("web-1"));
        var details = File.ReadAllLines(progressFile).Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("detail", out _) && e.GetProperty("step").GetString() == "health-checks")
            .Select(e => e.GetProperty("detail").GetString()).ToList();
        Assert.Equal(["check 0, attempt 1: not ready yet"], details);
    }

    [Fact]
    public async Task A_push_reports_each_caches_paths_and_bytes_copied_and_its_result()
    {
        var keys = TestRunDirectory.CreateFolder("livepush-keys");
        var (secretKey, _) = await CacheNix.GenerateKeyAsync(keys, "live-push-1");
        var url = "file://" + Path.Combine(keys, "cache");
        using var project = await CacheProjects.CreateAsync("livepush", p => p.Cache("local", ("Url", url), ("SecretKeyFile", secretKey)));
        (await project.Dotnet().WithEnvironment(NixEnvironment.Variables).BuildAsync()).AssertSucceeded();
        var root = CacheProjects.Closure(project);
        var closure = await LocalNarSizesAsync(root);
        // The cache already has a dependency's closure: Nix does not copy those paths, so they count toward no total.
        var present = await LocalNarSizesAsync(closure.Keys.First(path => path != root));
        await CacheNix.NixAsync(null, "copy", "--to", $"{url}?secret-key={secretKey}", present.Keys.First());
        var progressFile = Path.Combine(keys, "progress.jsonl");

        var push = await CacheProjects.Push(project).WithProperty("NixDeployProgressFile", progressFile).BuildAsync();

        push.AssertSucceeded();
        var events = File.ReadAllLines(progressFile).Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.GetProperty("machine").GetString() == "cache local").ToList();
        var copied = events.Where(e => e.TryGetProperty("detail", out _)).Select(e => CopyDetail().Match(e.GetProperty("detail").GetString()!)).ToList();
        Assert.True(copied.Count > 0 && copied.All(m => m.Success), string.Join('\n', events));
        // Until Nix has named every path it copies, the total is the whole closure's, shown as an upper bound.
        var bounds = copied.Select(m => m.Groups["bytes"].Value).Where(bytes => bytes.Contains('≤')).ToList();
        Assert.True(bounds.Count > 0, string.Join('\n', events));
        Assert.All(bounds, bytes => Assert.EndsWith("/≤" + ByteCount.Text(closure.Values.Sum()), bytes));
        var toCopy = closure.Keys.Except(present.Keys).ToList();
        AssertAllCopied(copied[^1], toCopy.Count, toCopy.Sum(path => closure[path]), string.Join('\n', events));
        Assert.Equal("pushed", events[^1].GetProperty("status").GetString());
        TestRunDirectory.Remove(keys);
    }

    /// <summary>
    /// A large copy's detail, as Nix's log makes it, fits a machine's live row at 80 columns whole: nothing wraps and
    /// nothing is cut. The view is left with the copy running (no result), so its last frame shows it.
    /// </summary>
    [Fact]
    public async Task A_large_copys_paths_and_bytes_fit_the_live_row_at_80_columns()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.Standard, Interactive = InteractionSupport.Yes, Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 80;
        var detail = new NixActivity(0, 0, null, 1999, 2345, 1536L << 20, 10137L << 20, BytesExpectedIsBound: true).Describe();

        await new LiveTableView(console, new RunClock()).ShowAsync("dotnet nixdeploy deploy (fleet.nixdeploy)", report =>
        {
            report(new ProgressEvent("web-1", "copy", null, DateTimeOffset.UtcNow));
            report(new ProgressEvent("web-1", "copy", null, DateTimeOffset.UtcNow, detail));
            return Task.FromResult(0);
        });

        // As a pseudo-terminal passes it on (onlcr: a line feed also returns the cursor).
        var screen = TerminalScreen.Render(output.ToString().Replace("\n", "\r\n", StringComparison.Ordinal), 80);
        Assert.True(screen.WrappedLines.Count == 0, screen.Text);
        Assert.True(screen.Lines.Any(line => Regex.IsMatch(line, @"^│ web-1 +│ copying the closure… 1999/2345 paths, 1\.5/≤9\.9 GiB +│ +\d+\.\d s │$")), screen.Text);
    }

    /// <summary>
    /// A copy's last word: all <paramref name="paths"/> copied, and bytes copied of the total, both
    /// <paramref name="bytes"/> (not an upper bound) in the total's unit.
    /// </summary>
    private static void AssertAllCopied(Match last, int paths, long bytes, string details)
    {
        Assert.True(bytes > 0, details);
        Assert.Equal($"{paths}/{paths} paths", last.Groups["paths"].Value);
        var total = ByteCount.Text(bytes);
        Assert.Equal($"{total.Split(' ')[0]}/{total}", last.Groups["bytes"].Value);
    }

    /// <summary>The NAR size of each path of <paramref name="root"/>'s closure in the local store, by <c>nix path-info -r --json</c>.</summary>
    private static async Task<Dictionary<string, long>> LocalNarSizesAsync(string root)
    {
        using var info = JsonDocument.Parse(await CacheNix.NixAsync(null, "path-info", "--recursive", "--json", root.Trim()));
        return info.RootElement.EnumerateArray().ToDictionary(entry => entry.GetProperty("path").GetString()!, entry => entry.GetProperty("narSize").GetInt64());
    }

    /// <summary>A copy's detail: "3/7 paths", with bytes copied of the total once Nix names the paths it copies ("≤" while the total is the closure's).</summary>
    [GeneratedRegex(@"^(?<paths>\d+/\d+ paths)(, (?<bytes>\d+(\.\d)?/≤?\d+(\.\d)? (B|KiB|MiB|GiB)))?$")]
    private static partial Regex CopyDetail();

    /// <summary>Waits until <paramref name="condition"/> holds or <paramref name="work"/> ends (a build that never says so ends stuck: 2 minutes at most).</summary>
    private static async Task<bool> WaitForAsync(Task work, Func<bool> condition)
    {
        for (var waited = 0; waited < 1200 && !work.IsCompleted; waited++)
        {
            if (condition())
                return true;
            await Task.Delay(100);
        }
        return condition();
    }

    /// <summary>The number the first screen line matching <paramref name="pattern"/> captures.</summary>
    private static double Seconds(TerminalScreen screen, string pattern)
    {
        var match = screen.Lines.Select(line => Regex.Match(line, pattern)).FirstOrDefault(m => m.Success);
        Assert.True(match is not null, $"no line matches {pattern}:\n{screen.Text}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
