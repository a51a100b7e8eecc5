namespace NixDeploy.Tool.Fleet;

/// <summary>
/// The PushCache task's per-cache result lines ("cache 'NAME' (URL): uploaded N path(s), ...; M already present") in a
/// child build's output. The task writes no report file, so its own words are what the tool can show.
/// </summary>
public static class CachePushSummaries
{
    private const string Prefix = "NixDeploy: cache ";

    public static IReadOnlyList<string> In(TargetOutcome outcome) =>
        outcome.Output.Select(line => line.Trim()).Where(line => line.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(line => line["NixDeploy: ".Length..]).ToList();
}
