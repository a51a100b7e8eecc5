namespace NixDeploy.Tests.Infrastructure;

/// <summary>
/// A project written to its own temp folder for one test: the project file and its NuGet.config, global.json and
/// extra files live in <see cref="Directory"/>, build logs beside it in <see cref="LogDirectory"/> so they never
/// become part of the project (or of its git tree). Disposing removes the folder unless NIXDEPLOY_KEEP_TEST_DIRS=1.
/// </summary>
public sealed class TestProject : IDisposable
{
    internal TestProject(string folder, string projectFileName)
    {
        Folder = folder;
        Directory = Path.Combine(folder, "src");
        LogDirectory = Path.Combine(folder, "logs");
        ProjectFile = Path.Combine(Directory, projectFileName);
    }

    /// <summary>Starts a project that uses the packed NixDeploy.Sdk; call WithoutSdk() for plain MSBuild.</summary>
    public static TestProjectBuilder Named(string name) => new(name);

    /// <summary>The per-test folder holding <see cref="Directory"/> and <see cref="LogDirectory"/>.</summary>
    public string Folder { get; }

    public string Directory { get; }

    public string LogDirectory { get; }

    public string ProjectFile { get; }

    public string PathOf(string relativePath) => Path.Combine(Directory, relativePath);

    /// <summary>Writes (or overwrites) a file under the project directory, creating its folders.</summary>
    public void WriteFile(string relativePath, string content)
    {
        var path = PathOf(relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public DotnetBuild Dotnet() => new(ProjectFile, LogDirectory);

    public void Dispose() => TestRunDirectory.Remove(Folder);
}
