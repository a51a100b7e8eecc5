using System.Text.Json;
using System.Text.Json.Serialization;
using NixDeploy.Diagnostics;
using NixDeploy.Server.Builds;
using NixDeploy.Server.Cache;

namespace NixDeploy.Server.Hosting;

/// <summary>
/// The server's config file (<c>--config FILE</c>, JSON): the SSH key and known_hosts it deploys with, the TLS
/// certificate it serves, whether plain HTTP may listen beyond loopback, the binary cache's limits and the fleet
/// repository it builds. Relative paths are relative to the file.
/// </summary>
public sealed record ServerConfig(SshConfig? Ssh = null, TlsConfig? Tls = null, bool AllowPlainHttp = false, CacheSettings? Cache = null, BuildConfig? Build = null)
{
    public static ServerConfig Read(string? file)
    {
        if (file is null)
            return new ServerConfig();
        var path = Path.GetFullPath(file);
        ServerConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(File.ReadAllText(path), HostingJsonContext.Default.ServerConfig);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw Invalid(path, e.Message);
        }
        if (config is null)
            throw Invalid(path, "it is empty");
        if (config.Cache?.Problem() is { } problem)
            throw Invalid(path, problem);
        var folder = Path.GetDirectoryName(path)!;
        string? Resolve(string? value) => string.IsNullOrEmpty(value) ? null : Path.GetFullPath(value, folder);
        return config with
        {
            Ssh = config.Ssh is { } ssh ? new SshConfig(Resolve(ssh.IdentityFile), Resolve(ssh.KnownHostsFile)) : null,
            Tls = config.Tls is { } tls ? new TlsConfig(Resolve(tls.CertificateFile) ?? throw Invalid(path, "tls has no certificateFile"), Resolve(tls.KeyFile)) : null,
            Build = config.Build is { } build
                ? Checked(build, path) with { Repository = build.IsUrl ? build.Repository : Resolve(build.Repository)!, SigningKeyFile = Resolve(build.SigningKeyFile) }
                : null,
        };
    }

    private static BuildConfig Checked(BuildConfig build, string path) =>
        string.IsNullOrWhiteSpace(build.Repository) || string.IsNullOrWhiteSpace(build.Ref) || string.IsNullOrWhiteSpace(build.Project)
            ? throw Invalid(path, "build needs repository, ref and project")
            // The repository's URL is in every build's log: a password in it would be too.
            : build.IsUrl && Uri.TryCreate(build.Repository, UriKind.Absolute, out var url) && url.UserInfo.Contains(':')
                ? throw Invalid(path, "build.repository has a password in its URL, which every build's log would show: give git the credential another way (an SSH key, a credential helper)")
            : Path.IsPathRooted(build.Project) || build.Project.Split('/', '\\').Contains("..")
                ? throw Invalid(path, $"build.project '{build.Project}' must be a path inside the repository")
                : build;

    private static NixDeployException Invalid(string path, string why) => new(ErrorCodes.ServerConfigInvalid,
        $"The server's config file cannot be used ({why}). It is JSON: {{\"ssh\": {{\"identityFile\": ..., \"knownHostsFile\": ...}}, \"tls\": {{\"certificateFile\": ..., \"keyFile\": ...}}, \"allowPlainHttp\": false, \"cache\": {{\"maxUploadBytes\": ..., \"keepDeployments\": 10, \"keepHours\": 24, \"collectEveryHours\": 6}}, \"build\": {{\"repository\": ..., \"ref\": \"main\", \"project\": \"fleet.nixdeploy\", \"autoDeploy\": false, \"signingKeyFile\": ...}}}}.", path);
}

/// <summary>The deployer's private key and the hosts' keys, as <c>NixDeploySshIdentityFile</c>/<c>NixDeploySshKnownHostsFile</c> give them to a build.</summary>
public sealed record SshConfig(string? IdentityFile, string? KnownHostsFile);

/// <summary>A PEM certificate (chain) and its private key (in the certificate file when <see cref="KeyFile"/> is not set).</summary>
public sealed record TlsConfig(string CertificateFile, string? KeyFile);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(ServerConfig))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
