namespace NixDeploy.Tests.Infrastructure;

/// <summary>
/// The local NuGet feed (artifacts/feed/) that holds the packed NixDeploy.Sdk. Tests never pack: the test script
/// does, so every test resolves the same package that would be published.
/// </summary>
public sealed class SdkFeed
{
    public const string PackageId = "NixDeploy.Sdk";
    public const string PackCommand = "dotnet pack NixDeploy.Sdk.sln -c Release";

    private static readonly Lazy<SdkFeed> LazyLocated = new(Locate);

    private SdkFeed(string directory, string version)
    {
        Directory = directory;
        Version = version;
    }

    /// <summary>The feed of this checkout; throws, naming the command to run, when the package is not there.</summary>
    public static SdkFeed Current => LazyLocated.Value;

    public string Directory { get; }

    public string Version { get; }

    public string PackagePath => Path.Combine(Directory, $"{PackageId}.{Version}.nupkg");

    private static SdkFeed Locate()
    {
        var directory = Path.Combine(RepositoryRoot.Path, "artifacts", "feed");
        var feed = new SdkFeed(directory, RepositoryRoot.PackageVersion());
        if (File.Exists(feed.PackagePath))
        {
            return feed;
        }

        var present = System.IO.Directory.Exists(directory)
            ? string.Join(", ", System.IO.Directory.EnumerateFiles(directory, "*.nupkg").Select(Path.GetFileName))
            : "";
        throw new InvalidOperationException(
            $"{feed.PackagePath} does not exist (feed holds: {(present.Length == 0 ? "nothing" : present)}). " +
            $"Run `{PackCommand}` in {RepositoryRoot.Path} first, or run the whole suite with `bash scripts/test.sh`.");
    }
}
