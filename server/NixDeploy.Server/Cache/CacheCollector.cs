using Microsoft.Extensions.Logging;
using NixDeploy.ControlPlane;
using NixDeploy.Manifest;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Cache;

/// <summary>
/// Garbage collection of the cache: keeps the closures of the last N deployments' machines (followed through the
/// narinfos' References) and every file written in the last hours; removes the other narinfos, then the NARs no kept
/// narinfo points to, then abandoned uploads. One collection at a time.
/// </summary>
public sealed class CacheCollector(BinaryCacheFolder cache, IControlPlaneStore store, DataDirectory data, TimeProvider time, ILogger<CacheCollector> logger)
{
    private readonly SemaphoreSlim _running = new(1, 1);

    public async Task<CacheCollection> CollectAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            var cutoff = time.GetUtcNow().UtcDateTime - cache.Settings.KeepRecent;
            bool Recent(string file) => File.GetLastWriteTimeUtc(file) > cutoff;
            var live = Referenced();
            var removedNarInfos = 0;
            long bytes = 0;
            foreach (var file in Directory.EnumerateFiles(cache.Root, "*.narinfo"))
            {
                var name = Path.GetFileName(file);
                if (live.Contains(name[..^".narinfo".Length]))
                    continue;
                // Checked again under the name's lock: an upload may have just replaced it.
                await cache.WithLockAsync(name, () =>
                {
                    if (!File.Exists(file) || Recent(file))
                        return;
                    bytes += new FileInfo(file).Length;
                    File.Delete(file);
                    removedNarInfos++;
                });
            }
            var keptNarInfos = Directory.EnumerateFiles(cache.Root, "*.narinfo").ToList();
            var wanted = keptNarInfos.Select(BinaryCacheFolder.Read).OfType<NarInfo>().Select(info => Path.GetFullPath(Path.Combine(cache.Root, info.Url))).ToHashSet(StringComparer.Ordinal);
            var removedNars = 0;
            foreach (var file in Directory.EnumerateFiles(cache.NarFolder))
            {
                if (wanted.Contains(file) || Recent(file))
                    continue;
                bytes += new FileInfo(file).Length;
                File.Delete(file);
                removedNars++;
            }
            foreach (var file in Directory.EnumerateFiles(cache.TemporaryFolder).Where(file => !Recent(file)))
                File.Delete(file);
            var result = new CacheCollection(keptNarInfos.Count, removedNarInfos, removedNars, bytes);
            logger.LogInformation("Cache collected: kept {Kept} narinfo(s), removed {NarInfos} narinfo(s) and {Nars} NAR(s), {Bytes} bytes",
                result.KeptNarInfos, result.RemovedNarInfos, result.RemovedNars, result.RemovedBytes);
            return result;
        }
        finally
        {
            _running.Release();
        }
    }

    /// <summary>The hash parts of every path the last deployments' closures need, as far as the cache's narinfos tell.</summary>
    private HashSet<string> Referenced()
    {
        var roots = new List<string>();
        if (cache.Settings.KeepDeployments > 0)
        {
            foreach (var deployment in store.Deployments(cache.Settings.KeepDeployments, null).Items)
            {
                var document = data.Document(deployment.Id);
                if (File.Exists(document) && ManifestText.Deserialize(File.ReadAllText(document))?.Closures is { } closures)
                    roots.AddRange(closures.Values.Select(CacheFileNames.HashPartOf).OfType<string>());
            }
        }
        var live = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(roots);
        while (pending.TryPop(out var hashPart))
        {
            if (!live.Add(hashPart))
                continue;
            if (BinaryCacheFolder.Read(Path.Combine(cache.Root, CacheFileNames.NarInfoOf(hashPart))) is { } info)
                foreach (var reference in info.ReferencedHashParts())
                    pending.Push(reference);
        }
        return live;
    }
}
