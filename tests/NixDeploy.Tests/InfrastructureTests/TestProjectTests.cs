using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using CliWrap;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.InfrastructureTests;

public sealed class TestProjectTests
{
    [Fact]
    public async Task Sdk_project_resolves_only_from_the_local_feed_at_the_packed_version()
    {
        using var project = await TestProject.Named("configured")
            .WithProject(p => p
                .Property("NixDeployFlake", "flake.nix")
                .Item("NixHost", "web1", new Dictionary<string, string> { ["Address"] = "127.0.0.11" })
                .Target("Probe", t => t.Task("Message", ("Text", "probe"))))
            .CreateAsync();

        Assert.EndsWith("configured.nixdeploy", project.ProjectFile);
        var projectXml = XElement.Load(project.ProjectFile);
        Assert.Equal(SdkFeed.PackageId, projectXml.Attribute("Sdk")?.Value);
        Assert.Equal("flake.nix", projectXml.Descendants("NixDeployFlake").Single().Value);
        Assert.Equal("127.0.0.11", projectXml.Descendants("NixHost").Single().Element("Address")?.Value);
        Assert.Equal("probe", projectXml.Descendants("Target").Single().Element("Message")?.Attribute("Text")?.Value);

        var sources = XElement.Load(project.PathOf("NuGet.config")).Element("packageSources")!.Elements().ToList();
        Assert.Equal("clear", sources[0].Name.LocalName);
        Assert.Equal(SdkFeed.Current.Directory, Assert.Single(sources.Skip(1)).Attribute("value")?.Value);

        var globalJson = JsonNode.Parse(File.ReadAllText(project.PathOf("global.json")))!;
        Assert.Equal(SdkFeed.Current.Version, globalJson["msbuild-sdks"]?[SdkFeed.PackageId]?.GetValue<string>());
        Assert.Equal("latestFeature", globalJson["sdk"]?["rollForward"]?.GetValue<string>());
    }

    [Fact]
    public async Task Git_commit_tracks_every_written_file()
    {
        using var project = await TestProject.Named("flake").WithoutSdk()
            .WithProjectXml("<Project />")
            .WithFile("flake.nix", "{ outputs = { self }: { }; }")
            .WithFile("hosts/web1.nix", "{ }")
            .WithGitCommit()
            .CreateAsync();

        var tracked = (await Git(project.Directory, "ls-files")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NuGet.config", "flake.nix", "flake.proj", "global.json", "hosts/web1.nix"], tracked.Order(StringComparer.Ordinal));
        Assert.Equal("", await Git(project.Directory, "status", "--porcelain"));
    }

    [Fact]
    public async Task Disposing_removes_the_folder_unless_the_run_keeps_it()
    {
        var project = await TestProject.Named("disposable").WithoutSdk().WithProjectXml("<Project />").CreateAsync();

        project.Dispose();

        Assert.Equal(TestRunDirectory.KeepFolders, Directory.Exists(project.Folder));
    }

    private static async Task<string> Git(string directory, params string[] arguments)
    {
        var output = new StringBuilder();
        await Cli.Wrap("git").WithArguments(arguments).WithWorkingDirectory(directory)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .ExecuteAsync();
        return output.ToString().Trim();
    }
}
