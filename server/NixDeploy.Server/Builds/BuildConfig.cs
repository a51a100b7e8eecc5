using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace NixDeploy.Server.Builds;

/// <summary>
/// The fleet repository the server builds (a git URL, or a local path), the ref it fetches, the project file in it,
/// whether a successful build creates a deployment, and the fleet's cache signing key (a file on this machine, as
/// CI's is), which the build gets as <see cref="SigningKeyProperty"/> for its caches' <c>SecretKeyFile</c>.
/// </summary>
public sealed partial record BuildConfig(string Repository, string Ref, string Project, bool AutoDeploy = false, string? SigningKeyFile = null)
{
    /// <summary>The MSBuild property a fleet names in its caches: <c>SecretKeyFile="$(NixDeployCacheSigningKeyFile)"</c>.</summary>
    public const string SigningKeyProperty = "NixDeployCacheSigningKeyFile";

    /// <summary>A URL (<c>https://…</c>, <c>ssh://…</c>, <c>git@host:path</c>) rather than a folder on this machine.</summary>
    [JsonIgnore]
    public bool IsUrl => Repository.Contains("://", StringComparison.Ordinal) || ScpLike().IsMatch(Repository);

    [GeneratedRegex(@"^[\w.-]+@[\w.-]+:")]
    private static partial Regex ScpLike();
}
