using System.Security.Cryptography;
using System.Text;

namespace NixDeploy.Ssh;

/// <summary>
/// Where one host's shared ssh connection listens (ssh's ControlPath): every step of a deploy, and the next deploy,
/// status or plan while the connection persists, runs over one authenticated connection instead of a handshake each.
/// The name hashes everything that decided how that connection was authenticated (user, address, port, identity,
/// the known host keys themselves, strictness), so a host with a new key, or other credentials, never gets a
/// connection made under different ones.
/// </summary>
public static class SshControlSocket
{
    // A unix socket's path holds at most 107 bytes; NIX_SSHOPTS cannot carry whitespace.
    private const int MaxPathLength = 100;

    /// <summary>The socket for <paramref name="target"/>, or null when none can be had here (then every call connects anew).</summary>
    public static string? PathFor(SshOptions options, SshTarget target)
    {
        if (PrivateDirectory() is not { } directory)
            return null;
        var path = Path.Combine(directory, Key(options, target));
        return path.Length <= MaxPathLength && !path.Any(char.IsWhiteSpace) ? path : null;
    }

    // The user's runtime directory (tmpfs, private, gone at logout) or else their cache directory; only they may
    // connect to a socket in it, as anyone who can could use the connection.
    private static string? PrivateDirectory()
    {
        // Windows' OpenSSH has no multiplexing.
        if (OperatingSystem.IsWindows())
            return null;
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var directory = Path.IsPathRooted(runtime) ? Path.Combine(runtime, "nixdeploy-ssh")
            : home.Length > 0 ? Path.Combine(home, ".cache", "nixdeploy", "ssh")
            : null;
        if (directory is null)
            return null;
        try
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return directory;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Key(SshOptions options, SshTarget target)
    {
        var knownHosts = options.KnownHostsFile
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");
        var identity = string.Join('\n', target.User, target.Address, target.Port, options.IdentityFile ?? "", knownHosts,
            Convert.ToHexString(SHA256.HashData(Contents(knownHosts))), options.StrictHostKeyChecking);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..24];
    }

    private static byte[] Contents(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
