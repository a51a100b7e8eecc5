namespace NixDeploy.Cache;

/// <summary>
/// One configured binary cache. Credentials are referenced, never held: <see cref="SecretKeyFile"/> and
/// <see cref="NetrcFile"/> are paths, <see cref="TokenEnvironmentVariable"/> is a variable's name.
/// </summary>
public sealed record CacheDefinition(
    string Name,
    CacheKind Kind,
    string Url,
    string? SecretKeyFile = null,
    string? PublicKey = null,
    bool Required = false,
    string? NetrcFile = null,
    string? TokenEnvironmentVariable = null,
    string? AtticEndpoint = null,
    bool UseForDeploy = false)
{
    /// <summary>False for a cache that is only read from (seed 001's read-only cache): deploys trust it, pushes skip it.</summary>
    public bool Push { get; init; } = true;

    /// <summary>The cache as logs and messages show it: name and URL (which holds no credentials, see <see cref="CacheDefinitionParser"/>).</summary>
    public override string ToString() => Describe(Name, Url);

    public static string Describe(string name, string url) => name == url ? url : $"'{name}' ({url})";
}
