using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace NixDeploy.Tests.Infrastructure;

/// <summary>
/// The checkout the tests run from, found by walking up from the test assembly to NixDeploy.Sdk.sln,
/// and the few repository files whose values the tests must agree with.
/// </summary>
public static class RepositoryRoot
{
    public const string SolutionFileName = "NixDeploy.Sdk.sln";

    private static readonly Lazy<string> LazyPath = new(FindFromTestAssembly);

    public static string Path => LazyPath.Value;

    /// <summary>The package version every project in the repository is stamped with.</summary>
    public static string PackageVersion()
    {
        var propsFile = System.IO.Path.Combine(Path, "Directory.Build.props");
        var version = XDocument.Load(propsFile).Descendants("Version").Select(element => element.Value.Trim()).FirstOrDefault();
        return string.IsNullOrEmpty(version)
            ? throw new InvalidOperationException($"{propsFile} has no <Version>: the SDK package version cannot be known.")
            : version;
    }

    public static JsonNode GlobalJson()
    {
        var file = System.IO.Path.Combine(Path, "global.json");
        return JsonNode.Parse(File.ReadAllText(file)) ?? throw new InvalidOperationException($"{file} is empty.");
    }

    private static string FindFromTestAssembly()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No {SolutionFileName} above {AppContext.BaseDirectory}: the tests must run from a build inside the repository.");
    }
}
