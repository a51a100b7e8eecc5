using NixDeploy.Nix;

namespace NixDeploy.Cache;

/// <summary>
/// Uploads closures with <c>nix copy --to</c>, which asks the cache which paths it already has and uploads only the
/// others. Its JSON log (<see cref="NixActivityLog"/>) names each path copied, so a push reports exactly what it
/// uploaded from the same call.
/// </summary>
public sealed class NixCopyUploader(NixCli nix)
{
    /// <summary>Uploads; <paramref name="onActivity"/>, if any, hears the paths and bytes (by <paramref name="narSizes"/>) copied as they go.</summary>
    public async Task<UploadAttempt> UploadAsync(CacheDefinition cache, IReadOnlyCollection<string> roots, Action<NixActivity>? onActivity,
        IReadOnlyDictionary<string, long>? narSizes, CancellationToken cancellationToken)
    {
        // An ssh store receives paths with the signatures they have locally: sign them there first (local only).
        if (cache is { Kind: CacheKind.Ssh, SecretKeyFile: { } keyFile })
        {
            var sign = await nix.RunAsync(NixCli.WithFeatures(["store", "sign", "--key-file", keyFile, "--recursive", .. roots]), cancellationToken).ConfigureAwait(false);
            if (!sign.Succeeded)
                return new UploadAttempt(false, [], "signing the paths in the local store failed: " + FailureText.Condense(sign.StandardError));
        }
        var (result, log) = await nix.RunWatchedAsync(
            NixCli.WithFeatures(["copy", .. HttpCacheOptions.For(cache), "--to", CacheStoreUrl.ForWriting(cache), .. roots]),
            onActivity, cancellationToken, narSizes: narSizes).ConfigureAwait(false);
        return result.Succeeded
            ? new UploadAttempt(true, log.CopiedPaths)
            : new UploadAttempt(false, log.CopiedPaths, FailureText.Condense(log.MessageText));
    }
}
