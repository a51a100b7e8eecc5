using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Tool;

/// <summary>
/// The two ways docs/tool.md installs the tool from the local feed besides --tool-path: a local tool in a repository's
/// manifest (.config/dotnet-tools.json), and a global tool, kept in a private home so the machine's tools are untouched.
/// </summary>
public sealed class ToolInstallTests
{
    [Fact]
    public async Task A_local_tool_installs_into_the_manifest_and_runs_as_dotnet_nixdeploy()
    {
        var folder = TestRunDirectory.CreateFolder("tool-local");
        // Local tools are found through a resolver cache in the home folder, keyed by package and version only: the
        // machine's would point at an earlier run's packages folder, and this run's entry must not outlive it.
        var privateHome = PrivateHome(folder);
        // .NET 10 writes the manifest into the current folder by default; docs/tool.md keeps it in .config/.
        var manifest = await InstalledTool.RunProcessAsync("dotnet", ["new", "tool-manifest", "--output", ".config"], folder, privateHome);
        Assert.True(manifest.ExitCode == 0, manifest.ToString());

        var install = await InstalledTool.RunProcessAsync("dotnet",
            ["tool", "install", "NixDeploy.Tool", "--version", SdkFeed.Current.Version, "--add-source", SdkFeed.Current.Directory], folder, privateHome);

        Assert.True(install.ExitCode == 0, install.ToString());
        var tools = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, ".config", "dotnet-tools.json"))).RootElement.GetProperty("tools");
        var entry = Assert.Single(tools.EnumerateObject(), tool => tool.Name.Equals("NixDeploy.Tool", StringComparison.OrdinalIgnoreCase)).Value;
        Assert.Equal(SdkFeed.Current.Version, entry.GetProperty("version").GetString());
        Assert.Equal("dotnet-nixdeploy", entry.GetProperty("commands")[0].GetString());
        var help = await InstalledTool.RunProcessAsync("dotnet", ["nixdeploy", "--help"], folder, privateHome);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("  deploy", help.StandardOutput);
        TestRunDirectory.Remove(folder);
    }

    [Fact]
    public async Task A_global_tool_installs_into_a_private_home_and_runs_from_its_tools_folder()
    {
        var folder = TestRunDirectory.CreateFolder("tool-global");
        var privateHome = PrivateHome(folder);

        var install = await InstalledTool.RunProcessAsync("dotnet",
            ["tool", "install", "-g", "NixDeploy.Tool", "--version", SdkFeed.Current.Version, "--add-source", SdkFeed.Current.Directory], folder, privateHome);

        Assert.True(install.ExitCode == 0, install.ToString());
        var command = Path.Combine(privateHome["HOME"]!, ".dotnet", "tools", "dotnet-nixdeploy");
        Assert.True(File.Exists(command), $"no {command}\n{install}");
        var help = await InstalledTool.RunProcessAsync(command, ["--help"], folder, privateHome);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("  deploy", help.StandardOutput);
        var list = await InstalledTool.RunProcessAsync("dotnet", ["tool", "list", "-g"], folder, privateHome);
        Assert.Contains("nixdeploy.tool", list.StandardOutput.ToLowerInvariant());
        TestRunDirectory.Remove(folder);
    }

    /// <summary>
    /// A home folder of the test's own (HOME and DOTNET_CLI_HOME), and a NuGet.config with the local feed only: a
    /// private HOME has no NuGet.Config, and the default one NuGet would write reaches for nuget.org.
    /// </summary>
    private static Dictionary<string, string?> PrivateHome(string folder)
    {
        var home = Directory.CreateDirectory(Path.Combine(folder, "home")).FullName;
        File.WriteAllText(Path.Combine(folder, "NuGet.config"),
            $"<configuration><packageSources><clear /><add key=\"local\" value=\"{SdkFeed.Current.Directory}\" /></packageSources></configuration>");
        return new Dictionary<string, string?> { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home };
    }
}
