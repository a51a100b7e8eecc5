using System.Text.Json;
using NixDeploy.Nix;

namespace NixDeploy.Cache;

/// <summary>
/// A dry run's push to one cache: which paths of the closure it lacks, with their NAR sizes, from one
/// <c>nix path-info --store CACHE --json</c> over the whole closure. Nothing is uploaded, signed or written.
/// </summary>
public sealed class CacheUploadPlanner(NixCli nix, CacheInfoProbe probe)
{
    public async Task<CachePushResult> PlanAsync(CacheDefinition cache, IReadOnlyList<StorePathInfo> closure, string? file, CancellationToken cancellationToken)
    {
        CachePusher.CheckCredentials(cache, file);
        // Attic is asked what it lacks only by pushing to it: the whole closure is the most it would upload.
        if (cache.Kind == CacheKind.Attic || closure.Count == 0)
            return Plan(cache, closure, closure);
        var (exists, failure) = await probe.ExistsAsync(cache, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
            return new CachePushResult(cache, CachePushStatus.Failed, 0, 0, 0, 1, failure);
        if (!exists)
            return Plan(cache, closure, closure);
        // Both TTLs 0: the plan reports what the cache holds now, not what Nix's narinfo cache (~/.cache/nix) remembers
        // of this URL for up to an hour (absent) or a month (present), which is wrong once the cache was wiped or refilled.
        var result = await nix.RunAsync(
            NixCli.WithFeatures([
                "path-info", "--json", .. HttpCacheOptions.For(cache),
                "--option", "narinfo-cache-negative-ttl", "0", "--option", "narinfo-cache-positive-ttl", "0",
                "--store", cache.Url, .. closure.Select(path => path.Path)]),
            cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            return new CachePushResult(cache, CachePushStatus.Failed, 0, 0, 0, 1, FailureText.Condense(result.StandardError));
        try
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            var missing = document.RootElement.EnumerateArray()
                .Where(entry => entry.TryGetProperty("valid", out var valid) && valid.ValueKind == JsonValueKind.False)
                .Select(entry => entry.GetProperty("path").GetString())
                .ToHashSet(StringComparer.Ordinal);
            return Plan(cache, closure, closure.Where(path => missing.Contains(path.Path)).ToList());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return new CachePushResult(cache, CachePushStatus.Failed, 0, 0, 0, 1, $"'nix path-info --store {cache.Url} --json' printed something unexpected ({e.Message})");
        }
    }

    private static CachePushResult Plan(CacheDefinition cache, IReadOnlyList<StorePathInfo> closure, IReadOnlyList<StorePathInfo> missing) =>
        new(cache, CachePushStatus.WouldPush, missing.Count, missing.Sum(path => path.NarSize), closure.Count - missing.Count, 0) { WouldUpload = missing };
}
