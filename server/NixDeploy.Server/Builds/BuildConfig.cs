using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace NixDeploy.Server.Builds;

/// <summary>
/// The fleet repository the server builds (a git URL, or a local path), the ref it fetches, the project file in it,
/// and whether a successful build creates a deployment.
/// </summary>
public sealed partial record BuildConfig(string Repository, string Ref, string Project, bool AutoDeploy = false)
{
    /// <summary>A URL (<c>https://…</c>, <c>ssh://…</c>, <c>git@host:path</c>) rather than a folder on this machine.</summary>
    [JsonIgnore]
    public bool IsUrl => Repository.Contains("://", StringComparison.Ordinal) || ScpLike().IsMatch(Repository);

    [GeneratedRegex(@"^[\w.-]+@[\w.-]+:")]
    private static partial Regex ScpLike();
}
