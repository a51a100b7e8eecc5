namespace NixDeploy.Cache;

/// <summary>One try at uploading to a cache: what was copied (also when it then failed) and, on failure, why.</summary>
public sealed record UploadAttempt(bool Succeeded, IReadOnlyList<string> CopiedPaths, string FailureMessage = "")
{
    /// <summary>A failure worth retrying: the cache was unreachable or answered 5xx.</summary>
    public bool IsTransient => !Succeeded && TransientFailure.IsTransient(FailureMessage);
}
