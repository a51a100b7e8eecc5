using System.Text.RegularExpressions;
using NixDeploy.Diagnostics;

namespace NixDeploy.Cache;

/// <summary>
/// Turns a cache as the user wrote it (a <c>NixDeployCache</c> item, or an entry of the post-build hook's config)
/// into a validated <see cref="CacheDefinition"/>. Everything is checked before any command runs, and a URL that
/// carries a credential is refused, because URLs are logged.
/// </summary>
public static partial class CacheDefinitionParser
{
    /// <summary>Every cache of a project or config file; two with the same name are refused.</summary>
    public static IReadOnlyList<CacheDefinition> ParseAll(IEnumerable<(string Name, Func<string, string?> Metadata)> caches, string? file)
    {
        var parsed = caches.Select(cache => Parse(cache.Name, cache.Metadata, file)).ToList();
        if (parsed.GroupBy(cache => cache.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1) is { } duplicate)
            throw new NixDeployException(ErrorCodes.InvalidCache,
                $"NixDeployCache '{duplicate.Key}' is declared twice: give each cache its own name (Include) and put its URL in Url metadata.", file);
        return parsed;
    }

    /// <summary>The metadata a cache takes, by name; <paramref name="metadata"/> returns null or "" for an unset one.</summary>
    public static CacheDefinition Parse(string name, Func<string, string?> metadata, string? file)
    {
        string? Value(string key) => metadata(key) is { Length: > 0 } value ? value.Trim() : null;
        var url = Value("Url") ?? name;
        var kind = KindOf(name, url, file);
        var secretKeyFile = Value("SecretKeyFile");
        var publicKey = Value("PublicKey");
        var netrcFile = Value("NetrcFile");
        var tokenVariable = Value("TokenEnvironmentVariable");
        var atticEndpoint = Value("AtticEndpoint");
        var useForDeploy = Boolean(name, "UseForDeploy", Value("UseForDeploy"), file);

        CheckUrl(name, kind, url, file);
        if (secretKeyFile is not null)
        {
            if (kind == CacheKind.Attic)
                throw Invalid(name, "has a SecretKeyFile, but Attic signs on the server: remove it, and give the cache's public key (attic cache info) as PublicKey.", file);
            // The path travels inside the store URL (?secret-key=PATH), where these characters would end it.
            if (secretKeyFile.IndexOfAny([' ', '\t', '&', '?', '#', '%', '"', '\'']) >= 0)
                throw Invalid(name, $"SecretKeyFile '{secretKeyFile}' contains a space or one of & ? # % \" ', which a store URL cannot carry: move the key to a plain path.", file);
        }
        if (publicKey is not null && !CacheSigningKey.IsPublicKey(publicKey))
            throw Invalid(name, $"PublicKey '{publicKey}' is not a Nix public key (NAME:BASE64 of 32 bytes, as 'nix key convert-secret-to-public' prints).", file);
        if (netrcFile is not null && kind != CacheKind.Http)
            throw Invalid(name, "has a NetrcFile, which only http(s) caches use: remove it.", file);
        if (tokenVariable is not null)
        {
            if (kind != CacheKind.Attic)
                throw Invalid(name, "has a TokenEnvironmentVariable, which only attic: caches use: remove it.", file);
            if (!EnvironmentVariableName().IsMatch(tokenVariable))
                throw Invalid(name, $"TokenEnvironmentVariable must be the NAME of an environment variable (e.g. ATTIC_TOKEN), not '{(tokenVariable.Length > 3 ? tokenVariable[..3] + "..." : tokenVariable)}'. Never put the token itself in the project.", file);
            if (atticEndpoint is null)
                throw Invalid(name, "has a TokenEnvironmentVariable but no AtticEndpoint: give the Attic server's URL (e.g. https://attic.example.com/) so the token can be used for it.", file);
        }
        if (atticEndpoint is not null && (kind != CacheKind.Attic || !Uri.TryCreate(atticEndpoint, UriKind.Absolute, out var endpoint)
                || endpoint.Scheme is not ("http" or "https") || endpoint.UserInfo.Length > 0))
            throw Invalid(name, $"AtticEndpoint '{atticEndpoint}' must be the http(s) URL of an attic: cache's server, without credentials.", file);
        if (useForDeploy && kind == CacheKind.Attic)
            throw Invalid(name, "is an attic: cache, which hosts cannot substitute from by that name: add the cache's binary cache URL (ENDPOINT/CACHE) as another NixDeployCache with PublicKey and UseForDeploy=\"true\".", file);
        if (useForDeploy && secretKeyFile is null && publicKey is null)
            throw new NixDeployException(ErrorCodes.CacheDeployKeyMissing,
                $"NixDeployCache '{name}' has UseForDeploy=\"true\" but no key to trust: give its SecretKeyFile (the public key is derived from it) or its PublicKey.", file);

        return new CacheDefinition(name, kind, url, secretKeyFile, publicKey,
            Boolean(name, "Required", Value("Required"), file), netrcFile, tokenVariable, atticEndpoint, useForDeploy)
        {
            Push = Boolean(name, "Push", Value("Push"), file, fallback: true),
        };
    }

    private static CacheKind KindOf(string name, string url, string? file)
    {
        var scheme = url.Split(':', 2)[0].ToLowerInvariant();
        return scheme switch
        {
            "file" => CacheKind.File,
            "http" or "https" => CacheKind.Http,
            "s3" => CacheKind.S3,
            "ssh" or "ssh-ng" => CacheKind.Ssh,
            "attic" => CacheKind.Attic,
            _ => throw Invalid(name, $"has the URL '{Shown(url)}', which is not a cache NixDeploy can push to: use file:///DIR, http(s)://HOST/..., s3://BUCKET, ssh://HOST, ssh-ng://HOST or attic:SERVER:CACHE.", file),
        };
    }

    private static void CheckUrl(string name, CacheKind kind, string url, string? file)
    {
        if (url.Any(char.IsWhiteSpace))
            throw Invalid(name, "has a URL with whitespace: remove it.", file);
        if (kind == CacheKind.Attic)
        {
            if (!AtticReference().IsMatch(url))
                throw Invalid(name, $"has the URL '{Shown(url)}': an Attic cache is written attic:SERVER:CACHE (SERVER as in 'attic login SERVER ...').", file);
            return;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw Invalid(name, $"has the URL '{Shown(url)}', which is not a valid URL.", file);
        // Anything after user@ other than a user name is a password: it would end up in logs and deployment.json.
        if (uri.UserInfo.Contains(':'))
            throw new NixDeployException(ErrorCodes.InvalidCache,
                $"NixDeployCache '{name}' has a password in its URL. Never put credentials in a URL: for HTTP use NetrcFile, for S3 the AWS environment or profile.", file);
        if (uri.UserInfo.Length > 0 && kind != CacheKind.Ssh)
            throw Invalid(name, "has a user in its URL: for HTTP use NetrcFile, for S3 the AWS environment or profile.", file);
        if (uri.Query.Contains("secret-key", StringComparison.OrdinalIgnoreCase))
            throw Invalid(name, "has secret-key in its URL: give the key file as SecretKeyFile metadata instead.", file);
        if (kind == CacheKind.File && (uri.Host.Length > 0 || !uri.AbsolutePath.StartsWith('/')))
            throw Invalid(name, $"has the URL '{url}': a folder cache is written file:///ABSOLUTE/PATH (three slashes).", file);
    }

    private static bool Boolean(string name, string key, string? value, string? file, bool fallback = false) => value?.ToLowerInvariant() switch
    {
        null => fallback,
        "true" => true,
        "false" => false,
        _ => throw Invalid(name, $"has {key}=\"{value}\": it must be true or false.", file),
    };

    // A URL that failed to parse may still hold a password; show only its scheme.
    private static string Shown(string url) => url.Contains('@') ? url.Split(':', 2)[0] + ":..." : url;

    private static NixDeployException Invalid(string name, string problem, string? file) =>
        new(ErrorCodes.InvalidCache, $"NixDeployCache '{name}' {problem}", file);

    [GeneratedRegex("\\A[A-Za-z_][A-Za-z0-9_]*\\z")]
    private static partial Regex EnvironmentVariableName();

    [GeneratedRegex("\\Aattic:[A-Za-z0-9._-]+:[A-Za-z0-9._-]+\\z")]
    private static partial Regex AtticReference();
}
