using NixDeploy.Diagnostics;
using NixDeploy.IO;

namespace NixDeploy.Cache;

/// <summary>
/// <c>push-report.json</c>: what a PushCache did with every cache. <see cref="RunId"/> is the id of the build that
/// wrote it (NixDeployRunId), so a reader knows whether the report is its own run's.
/// </summary>
public sealed record PushReport(int SchemaVersion, string RunId, bool DryRun, IReadOnlyList<CachePushReport> Caches) : IRunReport
{
    public const int CurrentSchemaVersion = 1;

    public static ReportFile<PushReport> Json { get; } = new(CacheJsonContext.Default.PushReport);

    /// <summary>The report of one push: <paramref name="results"/> is empty when this machine is a cache server, and every cache was skipped.</summary>
    public static PushReport Of(string runId, bool dryRun, IReadOnlyList<CacheDefinition> caches, IReadOnlyList<CachePushResult> results) =>
        new(CurrentSchemaVersion, runId, dryRun, results.Count == 0
            ? caches.Select(cache => new CachePushReport(cache.Name, cache.Url, CachePushStatus.Skipped, 0, 0, 0, null, null,
                "not pushed: this machine is a cache server", [])).ToList()
            : results.Select(CachePushReport.Of).ToList());
}

/// <summary>
/// One cache's outcome: paths and NAR bytes uploaded (in a dry run: that would be), paths already present, and for a
/// failure its code and message. <see cref="Summary"/> says the same in words; <see cref="WouldUpload"/> lists a dry run's paths.
/// </summary>
public sealed record CachePushReport(
    string Name,
    string Url,
    CachePushStatus Status,
    int UploadedPaths,
    long UploadedBytes,
    int PresentPaths,
    string? ErrorCode,
    string? Error,
    string Summary,
    IReadOnlyList<StorePathInfo> WouldUpload)
{
    public static CachePushReport Of(CachePushResult result) => new(result.Cache.Name, result.Cache.Url, result.Status,
        result.UploadedPaths, result.UploadedBytes, result.PresentPaths,
        result.Status == CachePushStatus.Failed ? ErrorCodes.CachePushFailed : null, result.Error, result.Summary, result.WouldUpload);

    /// <summary>The cache as logs and messages show it, as <see cref="CacheDefinition"/> does.</summary>
    public override string ToString() => CacheDefinition.Describe(Name, Url);
}
