using System.Text.Json;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Tool;

namespace NixDeploy.Tests.Docs;

/// <summary>
/// README.md's quickstart, run as a new user would type it: its bash blocks marked <c>&lt;!-- quickstart --&gt;</c>, as
/// they are, in one bash in the repository's root, as root with a home of its own (the tool and templates installed
/// from the packed feed, a NuGet config with only that feed, no Nix settings but the ones the quickstart sources).
/// The quickstart's practice hosts are 127.0.0.45-46 on a free port; then the block marked
/// <c>&lt;!-- quickstart-cleanup --&gt;</c> stops them.
/// </summary>
public sealed class QuickstartTests
{
    [Fact]
    public async Task The_readme_quickstart_deploys_two_practice_hosts_as_written()
    {
        var readme = MarkdownFile.Read(Path.Combine(RepositoryRoot.Path, "README.md"));
        var quickstart = readme.MarkedBlocks("quickstart");
        var cleanup = Assert.Single(readme.MarkedBlocks("quickstart-cleanup"));
        Assert.True(quickstart.Count > 0, "README.md has no block marked <!-- quickstart -->");
        var folder = TestRunDirectory.CreateFolder("quickstart");
        var home = Directory.CreateDirectory(Path.Combine(folder, "home")).FullName;
        var temporary = Directory.CreateDirectory(Path.Combine(folder, "tmp")).FullName;
        Directory.CreateDirectory(Path.Combine(home, ".nuget", "NuGet"));
        File.WriteAllText(Path.Combine(home, ".nuget", "NuGet", "NuGet.Config"),
            $"<configuration><packageSources><clear /><add key=\"local\" value=\"{SdkFeed.Current.Directory}\" /></packageSources></configuration>");
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = home,
            ["DOTNET_CLI_HOME"] = home,
            ["NUGET_PACKAGES"] = Path.Combine(folder, "packages"),
            ["TMPDIR"] = temporary,
            ["NIX_CONFIG"] = null,
            ["TERM"] = null,
        };
        try
        {
            var run = await Bash(string.Concat(quickstart) + "printf 'hosts=%s\\nrepo=%s\\n' \"$hosts\" \"$repo\" > \"$HOME/quickstart.env\"\n", environment);

            Assert.True(run.ExitCode == 0, run.ToString());
            var variables = File.ReadAllLines(Path.Combine(home, "quickstart.env")).Select(line => line.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
            var hosts = variables["hosts"];
            Assert.StartsWith(temporary, hosts);
            Assert.True(run.StandardOutput.Contains("exit 0: all 2 machine(s) run their desired closure.", StringComparison.Ordinal), run.ToString());
            Assert.True(run.StandardOutput.Contains("    greet: added", StringComparison.Ordinal), run.ToString());
            Assert.True(run.StandardOutput.Contains("web-2 | hello from the fleet", StringComparison.Ordinal), run.ToString());
            var fleet = Path.Combine(home, "fleet", "bin", "nixdeploy");
            var closures = JsonDocument.Parse(File.ReadAllText(Path.Combine(fleet, "deployment.json"))).RootElement.GetProperty("closures");
            var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(fleet, "deploy-report.json"))).RootElement.GetProperty("machines");
            foreach (var (machine, address, status) in new[] { ("web-1", "127.0.0.45", "unchanged"), ("web-2", "127.0.0.46", "deployed") })
            {
                Assert.Equal(closures.GetProperty(machine).GetString(), await LiveSystemAsync(hosts, address));
                Assert.Equal(status, report.GetProperty(machine).GetProperty("status").GetString());
            }
            Assert.True(File.Exists(Path.Combine(closures.GetProperty("web-2").GetString()!, "sw", "bin", "greet")));

            var stop = await Bash(cleanup, new Dictionary<string, string?>(environment) { ["hosts"] = hosts, ["repo"] = variables["repo"] });

            Assert.True(stop.ExitCode == 0, stop.ToString());
            var sshd = await InstalledTool.RunProcessAsync("ssh", ["-F", Path.Combine(hosts, "ssh_config"), "-o", "ConnectTimeout=5", "127.0.0.45", "true"], folder);
            Assert.True(sshd.ExitCode != 0, $"a practice host still answers after the cleanup block:\n{sshd}");
        }
        finally
        {
            // Whatever the quickstart got to: its practice hosts are in the folder mktemp made, with host1/ and on.
            foreach (var started in Directory.GetDirectories(temporary).Where(directory => Directory.Exists(Path.Combine(directory, "host1"))))
                await InstalledTool.RunProcessAsync("bash", [Path.Combine(RepositoryRoot.Path, "tests", "hosts", "stop-hosts.sh"), "--dir", started], folder);
        }
        TestRunDirectory.Remove(folder);
    }

    /// <summary>
    /// Runs <paramref name="script"/> in bash in the repository's root, stopping at the first failing command. About a
    /// minute on an idle machine; the whole quickstart may take ten on a loaded one.
    /// </summary>
    private static Task<ToolResult> Bash(string script, IReadOnlyDictionary<string, string?> environment) =>
        InstalledTool.RunProcessAsync("bash", ["-euo", "pipefail", "-c", script], RepositoryRoot.Path, environment, TimeSpan.FromMinutes(10));

    private static async Task<string> LiveSystemAsync(string hosts, string address)
    {
        var live = await InstalledTool.RunProcessAsync("ssh", ["-F", Path.Combine(hosts, "ssh_config"), address, "readlink -f /run/current-system"], RepositoryRoot.Path);
        Assert.True(live.ExitCode == 0, live.ToString());
        return live.StandardOutput.Trim();
    }
}
