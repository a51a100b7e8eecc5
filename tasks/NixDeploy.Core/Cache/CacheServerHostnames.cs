namespace NixDeploy.Cache;

/// <summary>
/// Seed 001's circular-push prevention: a cache server must not push to itself (its post-build hook would
/// upload what it just received, forever). A machine is a cache server when its hostname is in the list.
/// </summary>
public static class CacheServerHostnames
{
    /// <summary>
    /// The entry of <paramref name="serverHostnames"/> that names <paramref name="hostname"/>, or null. Case-insensitive;
    /// a short name (no dot) matches an FQDN that starts with it, either way round, but two FQDNs match only when equal:
    /// <c>cache.prod.example</c> is not <c>cache.staging.example</c>.
    /// </summary>
    public static string? Match(IEnumerable<string> serverHostnames, string hostname) =>
        serverHostnames.Select(name => name.Trim()).FirstOrDefault(name => name.Length > 0
            && (string.Equals(name, hostname, StringComparison.OrdinalIgnoreCase)
                || ShortNameOf(name, hostname) || ShortNameOf(hostname, name)));

    /// <summary>Splits an MSBuild-style list (<c>;</c> or <c>,</c> separated).</summary>
    public static IReadOnlyList<string> Split(string? list) =>
        (list ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool ShortNameOf(string shortName, string fqdn) =>
        !shortName.Contains('.') && string.Equals(shortName, fqdn.Split('.')[0], StringComparison.OrdinalIgnoreCase);
}
