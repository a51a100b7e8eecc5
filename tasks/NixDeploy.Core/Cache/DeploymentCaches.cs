using NixDeploy.Manifest;

namespace NixDeploy.Cache;

/// <summary>The caches section of deployment.json, from the project's cache definitions.</summary>
public static class DeploymentCaches
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
