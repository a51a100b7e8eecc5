using NixDeploy.Nix;
using NixDeploy.Processes;

namespace NixDeploy.Cache;

/// <summary>
/// One push of some closures to every configured cache, in parallel, unless this machine is itself a cache
/// server. Shared by the PushCache target and the post-build hook, so both follow the same rules. Given a
/// <see cref="CacheUploadPlanner"/>, it is a dry run: each cache is only asked what it lacks.
/// </summary>
public sealed class CachePushRun(NixCli nix, ProcessRunner runner, RetryPolicy retry, ICommandLog log, CacheUploadPlanner? dryRun = null)
{
    /// <summary>
    /// The results per cache, in the order given; empty when skipped because this host is a cache server.
    /// <paramref name="serverHostnamesSetting"/> names where the list came from, for the log.
    /// <paramref name="closureListFile"/> remembers the local closure listing between runs (see <see cref="LocalClosureFile"/>).
    /// <paramref name="onActivity"/> hears how far each cache's upload got, as it goes (without it, nobody is told).
    /// </summary>
    public Task<CachePushResult[]> PushAsync(
        IReadOnlyList<CacheDefinition> caches,
        IReadOnlyCollection<string> roots,
        IReadOnlyCollection<string> serverHostnames,
        string serverHostnamesSetting,
        string? file,
        CancellationToken cancellationToken,
        string? closureListFile = null,
        Action<CacheDefinition, NixActivity>? onActivity = null)
    {
        var hostname = Environment.MachineName;
        if (CacheServerHostnames.Match(serverHostnames, hostname) is { } server)
        {
            log.Info($"NixDeploy: not pushing to any cache: this machine ('{hostname}') is a cache server (it matches '{server}' in {serverHostnamesSetting}), and a cache server pushing to itself would loop.");
            return Task.FromResult<CachePushResult[]>([]);
        }
        // Only the report needs the closure's sizes: the first upload lists them once it has started, so that the
        // listing runs beside the upload instead of before it.
        var closure = new Lazy<Task<IReadOnlyList<StorePathInfo>>>(() => LocalClosureFile.ReadOrListAsync(closureListFile, nix, roots, file, cancellationToken));
        var pusher = new CachePusher(nix, runner, retry, log);
        // Tasks handed on rather than awaited here: each await that finishes after the upload is code compiled at run
        // time then (bench/push).
        return Task.WhenAll(caches.Select(cache => !cache.Push || roots.Count == 0
            ? Task.FromResult(new CachePushResult(cache, cache.Push ? CachePushStatus.Pushed : CachePushStatus.ReadOnly, 0, 0, 0, 0))
            : dryRun is not null
                ? PlanAsync(dryRun, cache, closure, file, cancellationToken)
                : pusher.PushAsync(cache, roots, closure, file, onActivity is null ? null : activity => onActivity(cache, activity), cancellationToken)));
    }

    private static async Task<CachePushResult> PlanAsync(
        CacheUploadPlanner dryRun, CacheDefinition cache, Lazy<Task<IReadOnlyList<StorePathInfo>>> closure, string? file, CancellationToken cancellationToken) =>
        await dryRun.PlanAsync(cache, await closure.Value.ConfigureAwait(false), file, cancellationToken).ConfigureAwait(false);
}
