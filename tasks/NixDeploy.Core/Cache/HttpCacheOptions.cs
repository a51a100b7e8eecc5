namespace NixDeploy.Cache;

/// <summary>What every Nix call against an HTTP or S3 cache is given: one attempt per request, and the cache's netrc file.</summary>
public static class HttpCacheOptions
{
    public static IEnumerable<string> For(CacheDefinition cache)
    {
        if (cache.Kind is not (CacheKind.Http or CacheKind.S3))
            yield break;
        // One attempt per request: RetryPolicy decides how often and how long to wait, not Nix's own five tries.
        yield return "--option";
        yield return "download-attempts";
        yield return "1";
        if (cache.NetrcFile is { } netrc)
        {
            yield return "--option";
            yield return "netrc-file";
            yield return netrc;
        }
    }
}
