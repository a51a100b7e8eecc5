namespace NixDeploy.IO;

/// <summary>
/// An exclusive lock on a file (flock, through FileShare.None), held until disposed or the process ends, so two
/// builds of one project never run their steps at the same time. The lock file stays: deleting it could let a
/// waiting build lock a file nobody else sees.
/// </summary>
public sealed class BuildLock : IDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(100);

    private readonly FileStream _file;

    private BuildLock(FileStream file) => _file = file;

    /// <summary>Takes the lock, waiting while another process holds it; <paramref name="onWait"/> runs once when it must wait.</summary>
    public static async Task<BuildLock> AcquireAsync(string path, Action onWait, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var waiting = false;
        while (true)
        {
            try
            {
                return new BuildLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (File.Exists(path))
            {
                if (!waiting)
                    onWait();
                waiting = true;
                await Task.Delay(RetryInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
