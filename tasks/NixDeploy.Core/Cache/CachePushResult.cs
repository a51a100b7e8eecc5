using System.Text.Json.Serialization;
using NixDeploy.Nix;

namespace NixDeploy.Cache;

/// <summary>What happened to one cache: what was uploaded (or in a dry run, would be) and what it already had, or why it failed.</summary>
public sealed record CachePushResult(
    CacheDefinition Cache,
    CachePushStatus Status,
    int UploadedPaths,
    long UploadedBytes,
    int PresentPaths,
    int Attempts,
    string? Error = null)
{
    /// <summary>A dry run's paths the cache lacks, with their NAR sizes (the counts above are theirs).</summary>
    public IReadOnlyList<StorePathInfo> WouldUpload { get; init; } = [];

    public string Summary => Status switch
    {
        CachePushStatus.Pushed when Cache.Kind == CacheKind.Attic => $"pushed with attic push ({Attempts} attempt(s)); Attic uploaded what the cache lacked",
        CachePushStatus.Pushed => $"uploaded {UploadedPaths} path(s), {ByteCount.Text(UploadedBytes)} (NAR); {PresentPaths} already present",
        CachePushStatus.WouldPush when Cache.Kind == CacheKind.Attic => $"would push with attic push: at most {UploadedPaths} path(s), {ByteCount.Text(UploadedBytes)} (NAR); Attic uploads only what the cache lacks (dry run: nothing uploaded)",
        CachePushStatus.WouldPush => $"would upload {UploadedPaths} path(s), {ByteCount.Text(UploadedBytes)} (NAR); {PresentPaths} already present (dry run: nothing uploaded)",
        CachePushStatus.ReadOnly => "read-only (Push=\"false\"): not pushed",
        _ => $"failed after {Attempts} attempt(s); {UploadedPaths} path(s) had been uploaded",
    };

}

/// <summary>What a push did with one cache; the names are push-report.json's and the PushCache items' Status.</summary>
public enum CachePushStatus
{
    [JsonStringEnumMemberName("pushed")] Pushed,

    /// <summary>Push="false": the cache is only read from.</summary>
    [JsonStringEnumMemberName("read-only")] ReadOnly,

    [JsonStringEnumMemberName("failed")] Failed,

    /// <summary>Dry run: what the cache lacks was listed, nothing uploaded.</summary>
    [JsonStringEnumMemberName("would-push")] WouldPush,

    /// <summary>Nothing was pushed anywhere: this machine is a cache server.</summary>
    [JsonStringEnumMemberName("skipped")] Skipped,
}

public static class CachePushStatusExtensions
{
    public static string ToReportName(this CachePushStatus status) => status switch
    {
        CachePushStatus.ReadOnly => "read-only",
        CachePushStatus.WouldPush => "would-push",
        _ => status.ToString().ToLowerInvariant(),
    };
}
