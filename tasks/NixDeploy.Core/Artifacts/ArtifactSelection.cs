using NixDeploy.Diagnostics;

namespace NixDeploy.Artifacts;

/// <summary>
/// Which artifacts to regenerate on demand: <c>*</c> (or <c>true</c>) for all, or a comma-separated list of
/// <c>ARTIFACT</c> (on every machine), <c>MACHINE/ARTIFACT</c> and <c>shared/ARTIFACT</c>.
/// </summary>
public sealed class ArtifactSelection
{
    public static readonly ArtifactSelection None = new([]);

    private readonly IReadOnlyList<string> _patterns;

    private ArtifactSelection(IReadOnlyList<string> patterns) => _patterns = patterns;

    public static ArtifactSelection Parse(string? text, string? file)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Equals("false", StringComparison.OrdinalIgnoreCase))
            return None;
        if (text.Trim().Equals("true", StringComparison.OrdinalIgnoreCase))
            return new(["*"]);
        var patterns = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var pattern in patterns)
        {
            var parts = pattern.Split('/');
            if (pattern != "*" && (parts.Length > 2 || !parts.All(ArtifactNames.IsName)))
                throw new NixDeployException(ErrorCodes.InvalidValue,
                    $"'{pattern}' does not name artifacts to regenerate: use *, ARTIFACT, MACHINE/ARTIFACT or shared/ARTIFACT, separated by commas.", file);
        }
        return new(patterns);
    }

    public bool Includes(ArtifactKey key) =>
        _patterns.Any(pattern => pattern == "*" || pattern == key.Name || pattern == key.ToString());
}
