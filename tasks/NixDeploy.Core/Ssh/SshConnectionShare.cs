namespace NixDeploy.Ssh;

/// <summary>
/// A private directory for one host's ssh control socket: the session holding the deploy lock is the connection
/// master, and every later step (agent calls, health checks, <c>nix copy</c>) runs over that same connection
/// instead of a new handshake. Removed on dispose; the socket itself goes with the master.
/// </summary>
public sealed class SshConnectionShare : IDisposable
{
    private const string Prefix = "nixdeploy-ssh-";

    private readonly string _directory;

    private SshConnectionShare(string directory)
    {
        _directory = directory;
        SocketPath = Path.Combine(directory, "s");
    }

    public string SocketPath { get; }

    /// <summary>
    /// A new share, or null when the temp directory cannot hold one: a socket path is limited to 107 bytes, and
    /// NIX_SSHOPTS cannot carry whitespace; Windows' OpenSSH has no multiplexing. Without a share every step opens
    /// its own connection.
    /// </summary>
    public static SshConnectionShare? TryCreate()
    {
        if (OperatingSystem.IsWindows())
            return null;
        RemoveLeftovers();
        var directory = Path.Combine(Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..12]}");
        if (directory.Length > 90 || directory.Any(char.IsWhiteSpace))
            return null;
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new SshConnectionShare(directory);
    }

    // A deployer that was killed never disposed its shares: remove those whose process is gone.
    private static void RemoveLeftovers()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var name = Path.GetFileName(directory)[Prefix.Length..];
            var dash = name.IndexOf('-');
            if (dash > 0 && int.TryParse(name[..dash], out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another deployer removing it at the same time, or not ours to remove.
                }
            }
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A master still shutting down may hold its socket a moment longer; the directory is empty otherwise.
        }
    }
}
