namespace NixDeploy.Tool.Output;

/// <summary>What a build or deploy step is called for people; the deployer's bookkeeping steps are not shown.</summary>
public static class StepWords
{
    /// <summary>The words for <paramref name="step"/>, or null for a step that is internal (keep-files).</summary>
    public static string? Describe(string? step) => step switch
    {
        null or "keep-files" => null,
        "build" => "building",
        "push" => "pushing",
        "read" => "reading its live system",
        "lock" => "taking the deploy lock",
        "artifacts" => "placing artifacts",
        "copy" => "copying the closure",
        "activate" => "activating",
        "health-checks" => "health checks",
        "confirm" => "confirming",
        "wave" => "healthy, waiting for its wave",
        "rollback" => "rolling back",
        _ => step,
    };
}
