using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Processes;

namespace NixDeploy.Cache;

/// <summary>
/// Pushes closures to one cache: checks its credentials are there, uploads what it lacks, and retries transient
/// failures with exponential backoff. A failure after the retries is returned, not thrown: whether it fails the
/// build is the caller's decision (Required); a misconfiguration (missing key, netrc, token, attic) is thrown.
/// </summary>
public sealed class CachePusher(NixCli nix, ProcessRunner runner, RetryPolicy retry, ICommandLog log)
{
    /// <summary>Pushes; <paramref name="onActivity"/> hears how far a <c>nix copy</c> got, as it goes (Attic reports nothing).</summary>
    public async Task<CachePushResult> PushAsync(
        CacheDefinition cache, IReadOnlyCollection<string> roots, Lazy<Task<IReadOnlyList<StorePathInfo>>> localClosure, string? file,
        Action<NixActivity>? onActivity, CancellationToken cancellationToken)
    {
        CheckCredentials(cache, file);
        var uploaded = new HashSet<string>(StringComparer.Ordinal);
        // A live view counts bytes by the closure's NAR sizes, so it needs them before the upload starts.
        var narSizes = onActivity is null ? null : (await localClosure.Value.ConfigureAwait(false)).ToDictionary(path => path.Path, path => path.NarSize, StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            var upload = cache.Kind == CacheKind.Attic
                ? new AtticUploader(runner).UploadAsync(cache, roots, file, cancellationToken)
                : new NixCopyUploader(nix).UploadAsync(cache, roots, onActivity, narSizes, cancellationToken);
            var listing = localClosure.Value;
            var result = await upload.ConfigureAwait(false);
            uploaded.UnionWith(result.CopiedPaths);
            var closure = await listing.ConfigureAwait(false);
            var bytes = UploadedBytes(closure, uploaded);
            if (result.Succeeded)
                return new CachePushResult(cache, CachePushStatus.Pushed, uploaded.Count, bytes, Math.Max(0, closure.Count - uploaded.Count), attempt);
            if (!result.IsTransient || attempt > retry.Retries)
                return new CachePushResult(cache, CachePushStatus.Failed, uploaded.Count, bytes, 0, attempt,
                    (result.IsTransient ? "" : "(not retried: the cache refused rather than failed) ") + result.FailureMessage);
            var delay = retry.DelayBefore(attempt);
            log.Info($"NixDeploy: pushing to {cache} failed ({result.FailureMessage}); retry {attempt} of {retry.Retries} in {delay.TotalMilliseconds:0} ms");
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    // A loop: LINQ's Sum over a long is a generic instance that is not precompiled (bench/push).
    private static long UploadedBytes(IReadOnlyList<StorePathInfo> closure, HashSet<string> uploaded)
    {
        long bytes = 0;
        foreach (var path in closure)
            if (uploaded.Contains(path.Path))
                bytes += path.NarSize;
        return bytes;
    }

    /// <summary>Throws ND4002/ND4003 when the cache's key or netrc file is not there: a dry run checks them too.</summary>
    internal static void CheckCredentials(CacheDefinition cache, string? file)
    {
        if (cache.SecretKeyFile is { } key)
            CacheSigningKey.PublicKeyOf(key, cache.Name, file);
        if (cache.NetrcFile is { } netrc && !File.Exists(netrc))
            throw new NixDeployException(ErrorCodes.CacheCredentialMissing,
                $"The NetrcFile of NixDeployCache {cache}, '{netrc}', does not exist. Write 'machine HOST login USER password PASSWORD' into it (mode 600), or remove NetrcFile.", file);
    }
}
