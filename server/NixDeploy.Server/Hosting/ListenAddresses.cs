using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NixDeploy.Diagnostics;

namespace NixDeploy.Server.Hosting;

/// <summary>
/// Where the server listens (<c>--urls</c>, ';'-separated): HTTPS needs the config's certificate, and plain HTTP
/// listens only on loopback unless the config allows it (<c>allowPlainHttp</c>): tokens must not cross a network in clear.
/// </summary>
public static class ListenAddresses
{
    public const string Default = "http://127.0.0.1:5080";

    public static IReadOnlyList<string> Check(string? urls, ServerConfig config, string? configFile)
    {
        var list = (urls ?? Default).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var url in list)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https"))
                throw new NixDeployException(ErrorCodes.ServerConfigInvalid,
                    $"--urls '{url}' is not an http:// or https:// URL with a host and port, e.g. https://0.0.0.0:5443 or http://127.0.0.1:5080.");
            if (uri.Scheme == "https" && config.Tls is null)
                throw new NixDeployException(ErrorCodes.TlsCertificateUnusable,
                    $"--urls '{url}' is HTTPS, but the config has no certificate: set tls.certificateFile (and tls.keyFile) in the --config file.", configFile);
            if (uri.Scheme == "http" && !IsLoopback(uri.Host) && !config.AllowPlainHttp)
                throw new NixDeployException(ErrorCodes.PlainHttpNotOnLoopback,
                    $"--urls '{url}' would serve plain HTTP beyond this machine, where tokens would cross the network in clear: use https:// with tls in the config, listen on 127.0.0.1, or set \"allowPlainHttp\": true in the config (behind a TLS proxy).", configFile);
        }
        return list;
    }

    /// <summary>The config's certificate with its key; null when it has none.</summary>
    public static X509Certificate2? Certificate(ServerConfig config, string? configFile)
    {
        if (config.Tls is not { } tls)
            return null;
        try
        {
            return X509Certificate2.CreateFromPemFile(tls.CertificateFile, tls.KeyFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new NixDeployException(ErrorCodes.TlsCertificateUnusable,
                $"The TLS certificate {tls.CertificateFile}{(tls.KeyFile is null ? "" : $" with the key {tls.KeyFile}")} cannot be loaded ({e.Message}): give PEM files (certificate chain, then its unencrypted private key).", configFile);
        }
    }

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
