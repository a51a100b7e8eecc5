using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace NixDeploy.Tests.Infrastructure;

/// <summary>
/// Describes a <see cref="TestProject"/> and writes it: the project file, a NuGet.config whose only source is the
/// local feed, a global.json pinning NixDeploy.Sdk to the packed version, extra files, and optionally a git commit.
/// </summary>
public sealed partial class TestProjectBuilder
{
    private readonly string _name;
    private readonly Dictionary<string, string> _files = [];
    private bool _usesSdk = true;
    private bool _commitToGit;
    private Func<string?, string>? _renderProject;

    internal TestProjectBuilder(string name)
    {
        _name = SafeName().IsMatch(name)
            ? name
            : throw new ArgumentException($"'{name}' must be letters, digits, '.', '-' or '_': it names a folder and a file.", nameof(name));
    }

    /// <summary>A plain MSBuild .proj: no Sdk attribute, no SDK pin, no need for the packed feed.</summary>
    public TestProjectBuilder WithoutSdk()
    {
        _usesSdk = false;
        return this;
    }

    /// <summary>The project file exactly as given.</summary>
    public TestProjectBuilder WithProjectXml(string xml)
    {
        _renderProject = _ => xml;
        return this;
    }

    /// <summary>The project file from the fluent builder; its Sdk attribute follows WithoutSdk().</summary>
    public TestProjectBuilder WithProject(Action<ProjectXmlBuilder> configure)
    {
        var project = new ProjectXmlBuilder();
        configure(project);
        _renderProject = project.ToXml;
        return this;
    }

    public TestProjectBuilder WithFile(string relativePath, string content)
    {
        _files[relativePath] = content;
        return this;
    }

    /// <summary>git init, git add -A and a commit once everything is written: flakes only see tracked files.</summary>
    public TestProjectBuilder WithGitCommit()
    {
        _commitToGit = true;
        return this;
    }

    public async Task<TestProject> CreateAsync()
    {
        var render = _renderProject ?? throw new InvalidOperationException("Give the project file with WithProjectXml or WithProject.");
        var feed = _usesSdk ? SdkFeed.Current : null;
        var project = new TestProject(TestRunDirectory.CreateFolder(_name), _name + (_usesSdk ? ".nixdeploy" : ".proj"));
        try
        {
            Directory.CreateDirectory(project.LogDirectory);
            project.WriteFile(Path.GetFileName(project.ProjectFile), render(_usesSdk ? SdkFeed.PackageId : null));
            project.WriteFile("NuGet.config", NuGetConfig(feed));
            project.WriteFile("global.json", GlobalJson(feed));
            foreach (var (relativePath, content) in _files)
            {
                project.WriteFile(relativePath, content);
            }

            if (_commitToGit)
            {
                await GitRepository.CommitAllAsync(project.Directory, "Test project");
            }

            return project;
        }
        catch
        {
            project.Dispose();
            throw;
        }
    }

    // globalPackagesFolder repeats DotnetBuild's NUGET_PACKAGES so that a kept folder rebuilds by hand as in the test.
    private static string NuGetConfig(SdkFeed? feed)
    {
        var sources = new XElement("packageSources", new XElement("clear"));
        if (feed is not null)
        {
            sources.Add(new XElement("add", new XAttribute("key", "nixdeploy-local"), new XAttribute("value", feed.Directory)));
        }

        var packagesFolder = new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", TestRunDirectory.PackagesFolder));
        return new XElement("configuration", new XElement("config", packagesFolder), sources).ToString();
    }

    // The .NET SDK version follows the repository's global.json so tests build with what developers build with.
    private static string GlobalJson(SdkFeed? feed)
    {
        var sdkVersion = RepositoryRoot.GlobalJson()["sdk"]?["version"]?.GetValue<string>()
            ?? throw new InvalidOperationException("The repository's global.json has no sdk.version.");
        var globalJson = new JsonObject
        {
            ["sdk"] = new JsonObject { ["version"] = sdkVersion, ["rollForward"] = "latestFeature" },
        };
        if (feed is not null)
        {
            globalJson["msbuild-sdks"] = new JsonObject { [SdkFeed.PackageId] = feed.Version };
        }

        return globalJson.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SafeName();
}
