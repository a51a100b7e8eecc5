namespace NixDeploy.Server.Cache;

/// <summary>
/// The config file's <c>"cache"</c>: the largest NAR an upload may be, and what garbage collection keeps (the paths the
/// last <see cref="KeepDeployments"/> deployments reference and everything uploaded in the last <see cref="KeepHours"/>,
/// since a push precedes its deployment), run every <see cref="CollectEveryHours"/> (0: only on demand).
/// </summary>
public sealed record CacheSettings(long MaxUploadBytes = 8L * 1024 * 1024 * 1024, int KeepDeployments = 10, double KeepHours = 24, double CollectEveryHours = 6)
{
    /// <summary>A narinfo is a few hundred bytes; its references make the rest.</summary>
    public const long MaxNarInfoBytes = 1024 * 1024;

    public TimeSpan KeepRecent => TimeSpan.FromHours(KeepHours);

    /// <summary>Why these settings cannot be used, or null when they can.</summary>
    public string? Problem() =>
        MaxUploadBytes <= 0 ? "cache.maxUploadBytes must be positive"
        : KeepDeployments < 0 ? "cache.keepDeployments must not be negative"
        : KeepHours < 0 ? "cache.keepHours must not be negative"
        : CollectEveryHours < 0 ? "cache.collectEveryHours must not be negative"
        : null;
}
