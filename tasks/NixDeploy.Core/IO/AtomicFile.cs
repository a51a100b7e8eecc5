using System.Text;

namespace NixDeploy.IO;

/// <summary>
/// Writes that never leave a half-written file and keep timestamps stable when nothing changed,
/// so incremental builds downstream are not triggered by identical content.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> via a temp file and rename; returns false when the file already held it.</summary>
    public static bool WriteIfChanged(string path, string content)
    {
        if (File.Exists(path) && File.ReadAllText(path) == content)
            return false;
        Write(path, content);
        return true;
    }

    public static void Write(string path, string content) => Write(path, Encoding.UTF8.GetBytes(content));

    /// <summary>Writes <paramref name="content"/> (bytes, as a writer that made them need not decode them) via a temp file and rename.</summary>
    public static void Write(string path, byte[] content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, content);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>Marks an incremental step done: creates the file or bumps its timestamp.</summary>
    public static void Touch(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (!File.Exists(path))
            File.WriteAllText(path, "");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
    }
}
