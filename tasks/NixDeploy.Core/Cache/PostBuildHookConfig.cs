using System.Globalization;
using System.Text.Json;
using NixDeploy.Diagnostics;

namespace NixDeploy.Cache;

/// <summary>
/// The post-build hook's JSON config file. Caches take the same fields as NixDeployCache metadata, camelCased:
/// <code>
/// { "caches": [ { "name": "main", "url": "http://cache:8080", "secretKeyFile": "/etc/nix/cache.secret", "netrcFile": "/etc/nix/netrc" } ],
///   "serverHostnames": [ "cache" ], "retryCount": 3, "retryDelayMilliseconds": 1000,
///   "logFile": "/var/log/nixdeploy/post-build-hook.log", "nixExecutable": "nix" }
/// </code>
/// Only <c>caches</c> is required. Like the project, it holds paths and variable names, never a secret.
/// </summary>
public sealed record PostBuildHookConfig(
    IReadOnlyList<CacheDefinition> Caches,
    IReadOnlyList<string> ServerHostnames,
    RetryPolicy Retry,
    string LogFile,
    string NixExecutable)
{
    public const string DefaultLogFile = "/var/log/nixdeploy/post-build-hook.log";

    public static PostBuildHookConfig Read(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("caches", out var caches) || caches.ValueKind != JsonValueKind.Array)
                throw Invalid(path, "it needs a \"caches\" array");
            var definitions = CacheDefinitionParser.ParseAll(caches.EnumerateArray().Select(cache =>
            {
                if (cache.ValueKind != JsonValueKind.Object || Text(cache, "name") is not { } name)
                    throw Invalid(path, "every cache needs a \"name\"");
                return (name, (Func<string, string?>)(key => Text(cache, char.ToLowerInvariant(key[0]) + key[1..])));
            }), path);
            var retry = new RetryPolicy(
                Integer(root, "retryCount", RetryPolicy.DefaultRetries, path),
                TimeSpan.FromMilliseconds(Integer(root, "retryDelayMilliseconds", RetryPolicy.DefaultBaseDelayMilliseconds, path)))
                .Validate("retryCount", "retryDelayMilliseconds", SettingLayers.File(path));
            var servers = root.TryGetProperty("serverHostnames", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Select(name => name.GetString() ?? "").Where(name => name.Length > 0).ToList()
                : [];
            return new PostBuildHookConfig(definitions, servers, retry, Text(root, "logFile") ?? DefaultLogFile, Text(root, "nixExecutable") ?? "nix");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw Invalid(path, e.Message);
        }
    }

    // Booleans and numbers are accepted as JSON values or as strings, as in MSBuild metadata.
    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static int Integer(JsonElement root, string name, int fallback, string path) =>
        Text(root, name) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number
        : throw Invalid(path, $"\"{name}\" must be a whole number");

    private static NixDeployException Invalid(string path, string why) => new(ErrorCodes.PostBuildHookConfigInvalid,
        $"The post-build hook config '{path}' is not valid: {why}. See docs/caches.md, 'Post-build hook'.", path);
}
