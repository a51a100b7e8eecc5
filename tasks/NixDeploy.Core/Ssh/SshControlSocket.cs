using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace NixDeploy.Ssh;

/// <summary>
/// Where one host's shared ssh connection listens (ssh's ControlPath): every step of a deploy, and the next deploy,
/// status or plan while the connection persists, runs over one authenticated connection instead of a handshake each.
/// The name hashes everything that decides which connection ssh would open now: the deployer's settings (user,
/// address, port, identity, known hosts, strictness) and the contents of every file ssh reads for it
/// (<see cref="SshReadFiles"/>: its config files, the known host keys, the identities). A host replaced at the same
/// address with a new key, a changed config or other credentials never get a connection made under the old ones.
/// </summary>
public static class SshControlSocket
{
    // A unix socket's path holds at most 107 bytes; NIX_SSHOPTS cannot carry whitespace.
    private const int MaxPathLength = 100;

    // A deploy, status or plan makes its SshOptions once: all its hosts share one reading of ssh's files.
    private static readonly ConditionalWeakTable<SshOptions, ReadFiles> Runs = new();

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
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(string.Join('\n', target.User, target.Address, target.Port, options.IdentityFile ?? "",
            options.KnownHostsFile ?? "", options.StrictHostKeyChecking)));
        var run = Runs.GetValue(options, _ => new ReadFiles());
        foreach (var file in run.Files.For(options, target))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"\n{file}\n"));
            hash.AppendData(run.Digest(file));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..24];
    }

    private sealed class ReadFiles
    {
        private readonly ConcurrentDictionary<string, byte[]> _digests = new(StringComparer.Ordinal);

        public SshReadFiles Files { get; } = new(LocalUser.Current());

        public byte[] Digest(string path) => _digests.GetOrAdd(path, file => SHA256.HashData(Contents(file)));
    }

    // An absent or unreadable file reads as empty, as it does to ssh.
    private static byte[] Contents(string path)
    {
        if (!File.Exists(path))
            return [];
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
