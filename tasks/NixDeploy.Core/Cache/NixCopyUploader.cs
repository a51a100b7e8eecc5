using NixDeploy.Nix;

namespace NixDeploy.Cache;

/// <summary>
/// Uploads closures with <c>nix copy --to</c>, which asks the cache which paths it already has and uploads only the
/// others. Its JSON log names each path copied, so a push reports exactly what it uploaded from the same call.
/// </summary>
public sealed class NixCopyUploader(NixCli nix)
{
    public async Task<UploadAttempt> UploadAsync(CacheDefinition cache, IReadOnlyCollection<string> roots, CancellationToken cancellationToken)
    {
        // An ssh store receives paths with the signatures they have locally: sign them there first (local only).
        if (cache is { Kind: CacheKind.Ssh, SecretKeyFile: { } keyFile })
        {
            var sign = await nix.RunAsync(NixCli.WithFeatures(["store", "sign", "--key-file", keyFile, "--recursive", .. roots]), cancellationToken).ConfigureAwait(false);
            if (!sign.Succeeded)
                return new UploadAttempt(false, [], "signing the paths in the local store failed: " + FailureText.Condense(sign.StandardError));
        }
        var result = await nix.RunAsync(
            NixCli.WithFeatures(["copy", "--log-format", "internal-json", .. HttpCacheOptions.For(cache), "--to", CacheStoreUrl.ForWriting(cache), .. roots]),
            cancellationToken).ConfigureAwait(false);
        var log = NixJsonLog.Parse(result.StandardError);
        return result.Succeeded
            ? new UploadAttempt(true, log.CopiedPaths)
            : new UploadAttempt(false, log.CopiedPaths, FailureText.Condense(log.MessageText));
    }
}
