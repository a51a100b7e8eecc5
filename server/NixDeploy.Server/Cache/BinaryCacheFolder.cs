using NixDeploy.Diagnostics;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Cache;

/// <summary>
/// The cache's files under the data folder's <c>cache/</c>. An upload is written to <c>cache/tmp/</c> and renamed into
/// place once complete, so a reader sees a whole file or none. A narinfo's check-and-rename runs under a lock per name
/// (garbage collection takes the same), so two uploads of one path cannot both pass the NarHash check.
/// </summary>
public sealed class BinaryCacheFolder
{
    /// <summary>
    /// Nix's own answer for a cache it writes; a server-made nix-cache-info carries no key (hosts learn the public key
    /// from deployment.json's caches).
    /// </summary>
    public const string CacheInfo = "StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 30\n";

    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public BinaryCacheFolder(DataDirectory data, CacheSettings settings)
    {
        Root = Path.Combine(data.Root, "cache");
        Settings = settings;
        Directory.CreateDirectory(NarFolder);
        Directory.CreateDirectory(TemporaryFolder);
    }

    public string Root { get; }

    public CacheSettings Settings { get; }

    public string NarFolder => Path.Combine(Root, CacheFileNames.NarFolder);

    public string TemporaryFolder => Path.Combine(Root, "tmp");

    /// <summary>The file of a narinfo name, or null when the name is not one (never a path outside the cache).</summary>
    public string? NarInfoFile(string name) => CacheFileNames.IsNarInfo(name) ? Path.Combine(Root, name) : null;

    public string? NarFile(string name) => CacheFileNames.IsNar(name) ? Path.Combine(NarFolder, name) : null;

    /// <summary>Stores a NAR. Its name is the hash of its bytes, so two uploads of one name carry the same bytes: the last rename wins.</summary>
    public async Task PutNarAsync(string name, Stream body, long? length, CancellationToken cancellationToken)
    {
        var file = NarFile(name) ?? throw CacheFileNames.Invalid(CacheFileNames.NarFolder + "/" + name);
        var temporary = await ReceiveAsync(body, length, Settings.MaxUploadBytes, cancellationToken);
        File.Move(temporary, file, overwrite: true);
    }

    /// <summary>
    /// Stores a narinfo, refusing one that gives a stored path another NarHash (409); the same NarHash (a re-signed
    /// narinfo) replaces it. Its NAR, if present, is marked fresh so a collection running now keeps it.
    /// </summary>
    public async Task PutNarInfoAsync(string name, Stream body, long? length, CancellationToken cancellationToken)
    {
        var file = NarInfoFile(name) ?? throw CacheFileNames.Invalid(name);
        var temporary = await ReceiveAsync(body, length, CacheSettings.MaxNarInfoBytes, cancellationToken);
        try
        {
            var uploaded = NarInfo.Parse(name, await File.ReadAllBytesAsync(temporary, cancellationToken));
            await WithLockAsync(name, () =>
            {
                if (Read(file) is { } stored && stored.NarHash != uploaded.NarHash)
                    throw new NixDeployException(ErrorCodes.CacheNarHashConflict,
                        $"The cache already holds {uploaded.StorePath} with NarHash {stored.NarHash}; this upload says {uploaded.NarHash}. A store path's contents never change: rebuild with another output path, or delete the cached one (garbage collection) first.");
                var nar = Path.Combine(Root, uploaded.Url);
                if (File.Exists(nar))
                    File.SetLastWriteTimeUtc(nar, DateTime.UtcNow);
                File.Move(temporary, file, overwrite: true);
            });
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The stored narinfo of a file, or null when there is none or it cannot be read as one.</summary>
    public static NarInfo? Read(string file)
    {
        try
        {
            return NarInfo.Parse(Path.GetFileName(file), File.ReadAllBytes(file));
        }
        catch (Exception e) when (e is FileNotFoundException or NixDeployException)
        {
            return null;
        }
    }

    /// <summary>Runs <paramref name="action"/> holding the lock of one narinfo name.</summary>
    public async Task WithLockAsync(string name, Action action)
    {
        var gate = _locks[(int)((uint)StringComparer.Ordinal.GetHashCode(name) % _locks.Length)];
        await gate.WaitAsync();
        try
        {
            action();
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<string> ReceiveAsync(Stream body, long? length, long limit, CancellationToken cancellationToken)
    {
        if (length > limit)
            throw TooLarge(limit);
        var temporary = Path.Combine(TemporaryFolder, Guid.NewGuid().ToString("N"));
        try
        {
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    total += read;
                    if (total > limit)
                        throw TooLarge(limit);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            return temporary;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static NixDeployException TooLarge(long limit) => new(ErrorCodes.CacheUploadTooLarge,
        $"The upload is larger than the cache takes ({limit} bytes). Raise cache.maxUploadBytes in the server's config if such NARs are expected.");
}
