using NixDeploy.Nix;
using NixDeploy.Processes;

namespace NixDeploy.Cache;

/// <summary>
/// One push of some closures to every configured cache, in parallel, unless this machine is itself a cache
/// server. Shared by the PushCache target and the post-build hook, so both follow the same rules.
/// </summary>
public sealed class CachePushRun(NixCli nix, ProcessRunner runner, RetryPolicy retry, ICommandLog log)
{
    /// <summary>
    /// The results per cache, in the order given; empty when skipped because this host is a cache server.
    /// <paramref name="closureListFile"/> remembers the local closure listing between runs (see <see cref="LocalClosureFile"/>).
    /// </summary>
    public async Task<IReadOnlyList<CachePushResult>> PushAsync(
        IReadOnlyList<CacheDefinition> caches,
        IReadOnlyCollection<string> roots,
        IReadOnlyCollection<string> serverHostnames,
        string? file,
        CancellationToken cancellationToken,
        string? closureListFile = null)
    {
        var hostname = Environment.MachineName;
        if (CacheServerHostnames.Match(serverHostnames, hostname) is { } server)
        {
            log.Info($"NixDeploy: not pushing to any cache: this machine ('{hostname}') is a cache server (it matches '{server}' in NixDeployCacheServerHostnames), and a cache server pushing to itself would loop.");
            return [];
        }
        // Only the report needs the closure's sizes: the first upload lists them once it has started, so that the
        // listing runs beside the upload instead of before it.
        var closure = new Lazy<Task<IReadOnlyList<StorePathInfo>>>(() => LocalClosureFile.ReadOrListAsync(closureListFile, nix, roots, file, cancellationToken));
        var pusher = new CachePusher(nix, runner, retry, log);
        return await Task.WhenAll(caches.Select(cache => cache.Push && roots.Count > 0
            ? pusher.PushAsync(cache, roots, closure, file, cancellationToken)
            : Task.FromResult(new CachePushResult(cache, cache.Push ? CachePushStatus.Pushed : CachePushStatus.ReadOnly, 0, 0, 0, 0)))).ConfigureAwait(false);
    }
}
