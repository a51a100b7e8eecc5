namespace NixDeploy.Artifacts;

/// <summary>A generator's verified output in its private folder; disposing deletes the folder and every plaintext in it.</summary>
public sealed class GeneratedArtifact(string folder, IReadOnlyDictionary<string, string> files) : IDisposable
{
    /// <summary>Each declared file's generated path, by file name.</summary>
    public IReadOnlyDictionary<string, string> Files { get; } = files;

    public void Dispose()
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }
}
