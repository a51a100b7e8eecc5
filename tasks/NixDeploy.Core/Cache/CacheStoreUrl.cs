namespace NixDeploy.Cache;

/// <summary>The Nix store URL a push writes to: a binary cache's URL gains <c>secret-key=FILE</c>, so Nix signs each narinfo it writes.</summary>
public static class CacheStoreUrl
{
    public static string ForWriting(CacheDefinition cache) =>
        cache.SecretKeyFile is { } key && cache.Kind is CacheKind.File or CacheKind.Http or CacheKind.S3
            ? cache.Url + (cache.Url.Contains('?') ? '&' : '?') + "secret-key=" + key
            : cache.Url;
}
