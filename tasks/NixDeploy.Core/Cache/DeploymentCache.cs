namespace NixDeploy.Cache;

/// <summary>
/// A cache as <c>deployment.json</c> records it: where it is and the public key its paths are signed with, so a
/// deploy (or anyone reading the artifact) knows what to trust. Never a secret: URLs with credentials are refused.
/// </summary>
public sealed record DeploymentCache(string Url, string? PublicKey, bool UseForDeploy)
{
    /// <summary>The caches to record, by name; the public key is derived from SecretKeyFile when not given.</summary>
    public static SortedDictionary<string, DeploymentCache> From(IEnumerable<CacheDefinition> caches, string? file) =>
        new(caches.ToDictionary(
            cache => cache.Name,
            cache => new DeploymentCache(
                cache.Url,
                cache.PublicKey ?? (cache.SecretKeyFile is { } key ? CacheSigningKey.PublicKeyOf(key, cache.Name, file) : null),
                cache.UseForDeploy)), StringComparer.Ordinal);
}
