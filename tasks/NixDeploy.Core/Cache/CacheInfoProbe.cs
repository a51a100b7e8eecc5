using System.Net;

namespace NixDeploy.Cache;

/// <summary>
/// Whether a binary cache was ever written to, asked without Nix: Nix's first contact with a file or HTTP cache that
/// has no <c>nix-cache-info</c> writes one (it creates a file cache's folder, and PUTs the file to an HTTP cache),
/// which a dry run must not do. An empty cache lacks every path, so a dry run need not ask Nix about it.
/// </summary>
public sealed class CacheInfoProbe(HttpClient http)
{
    private const string CacheInfoFile = "nix-cache-info";

    /// <summary>True when the cache has nix-cache-info (or is an ssh/s3 store, where Nix is asked anyway), false when it has none; a failure says why it could not be told.</summary>
    public async Task<(bool Exists, string? Failure)> ExistsAsync(CacheDefinition cache, CancellationToken cancellationToken)
    {
        switch (cache.Kind)
        {
            case CacheKind.File:
                return (File.Exists(Path.Combine(new Uri(cache.Url).LocalPath, CacheInfoFile)), null);
            case CacheKind.Http:
                var url = new Uri(cache.Url.Split('?')[0].TrimEnd('/') + "/" + CacheInfoFile);
                using (var request = new HttpRequestMessage(HttpMethod.Get, url))
                {
                    if (cache.NetrcFile is { } netrc)
                        request.Headers.Authorization = NetrcCredentials.For(netrc, url.Host);
                    try
                    {
                        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                        return response.StatusCode switch
                        {
                            HttpStatusCode.OK => (true, null),
                            HttpStatusCode.NotFound => (false, null),
                            var status => (false, $"reading {url} gave HTTP {(int)status} ({response.ReasonPhrase})"),
                        };
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                    {
                        return (false, $"reading {url} failed: {e.Message}");
                    }
                }
            default:
                return (true, null);
        }
    }
}
