namespace NixDeploy.Tests.Infrastructure;

/// <summary>
/// One temp folder per test run holding every test's project folder and the run's private NuGet packages folder.
/// The packages folder is private because the NuGet SDK resolver caches nixdeploy.sdk/&lt;version&gt;: a shared
/// one would keep serving a previous pack of the same version.
/// </summary>
public static class TestRunDirectory
{
    public const string KeepVariable = "NIXDEPLOY_KEEP_TEST_DIRS";

    private static readonly Lazy<string> LazyRoot = new(CreateRoot);
    private static int _lastFolderNumber;

    /// <summary>Set NIXDEPLOY_KEEP_TEST_DIRS=1 to keep the folders for a look after the run.</summary>
    public static bool KeepFolders => Environment.GetEnvironmentVariable(KeepVariable) == "1";

    public static string Root => LazyRoot.Value;

    public static string PackagesFolder => Path.Combine(Root, "packages");

    /// <summary>A new, empty folder for one test, named after it so a kept run is easy to read.</summary>
    public static string CreateFolder(string name)
    {
        var folder = Path.Combine(Root, $"{Interlocked.Increment(ref _lastFolderNumber):D3}-{name}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Deletes a folder unless the run keeps its folders.</summary>
    public static void Remove(string folder)
    {
        if (!KeepFolders && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // Outside the repository on purpose: a folder under it would import the repository's Directory.Build.props.
    private static string CreateRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "nixdeploy-tests", $"run-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveAtExit(root);
        return root;
    }

    // Best effort: an exception here would turn a finished, green run into a crashed test host.
    private static void RemoveAtExit(string root)
    {
        try
        {
            Remove(root);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not remove {root}: {exception.Message}");
        }
    }
}
