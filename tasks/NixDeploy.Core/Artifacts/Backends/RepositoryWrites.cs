namespace NixDeploy.Artifacts.Backends;

/// <summary>
/// Files bound for the repository, written next to their destination first and renamed into place together, so an
/// artifact is never left half-stored: a failure before <see cref="Commit"/> leaves the previous files untouched.
/// </summary>
public sealed class RepositoryWrites : IDisposable
{
    private readonly List<(string Temp, string Destination)> _staged = [];
    // Folders created for staged files: removed again (deepest first) when nothing is committed.
    private readonly List<string> _createdFolders = [];

    /// <summary>A temp path beside <paramref name="destination"/> for a backend to write; renamed onto it at commit.</summary>
    public string Stage(string destination)
    {
        var directory = Path.GetDirectoryName(destination)!;
        for (var missing = directory; !Directory.Exists(missing); missing = Path.GetDirectoryName(missing)!)
            _createdFolders.Add(missing);
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
        _staged.Add((temp, destination));
        return temp;
    }

    public void Commit()
    {
        foreach (var (temp, destination) in _staged)
            File.Move(temp, destination, overwrite: true);
        _staged.Clear();
        _createdFolders.Clear();
    }

    public void Dispose()
    {
        foreach (var (temp, _) in _staged.Where(s => File.Exists(s.Temp)))
            File.Delete(temp);
        _staged.Clear();
        foreach (var folder in _createdFolders.Distinct().OrderByDescending(folder => folder.Length))
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                Directory.Delete(folder);
        }
        _createdFolders.Clear();
    }
}
