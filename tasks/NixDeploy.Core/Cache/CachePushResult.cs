namespace NixDeploy.Cache;

/// <summary>What happened to one cache: what was uploaded and what it already had, or why it failed.</summary>
public sealed record CachePushResult(
    CacheDefinition Cache,
    CachePushStatus Status,
    int UploadedPaths,
    long UploadedBytes,
    int PresentPaths,
    int Attempts,
    string? Error = null)
{
    public string Summary => Status switch
    {
        CachePushStatus.Pushed when Cache.Kind == CacheKind.Attic => $"pushed with attic push ({Attempts} attempt(s)); Attic uploaded what the cache lacked",
        CachePushStatus.Pushed => $"uploaded {UploadedPaths} path(s), {Bytes(UploadedBytes)} (NAR); {PresentPaths} already present",
        CachePushStatus.ReadOnly => "read-only (Push=\"false\"): not pushed",
        _ => $"failed after {Attempts} attempt(s); {UploadedPaths} path(s) had been uploaded",
    };

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes / (1024.0 * 1024):0.0} MiB",
    };
}

public enum CachePushStatus
{
    Pushed,
    ReadOnly,
    Failed,
}
