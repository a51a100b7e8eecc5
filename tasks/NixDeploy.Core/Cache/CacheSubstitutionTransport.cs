using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Host;
using NixDeploy.Manifest;
using NixDeploy.Nix;
using NixDeploy.Ssh;

namespace NixDeploy.Cache;

/// <summary>
/// Brings a closure to a host from a binary cache instead of from the deployer: <c>nix copy --from CACHE</c> runs ON
/// the host, trusting the cache's public key and nothing else for that call. Unsigned paths, paths signed by another
/// key and NARs that do not match their signed hash are refused by the host's Nix (ND4008), before anything is
/// activated. With several UseForDeploy caches, an unreachable one gives way to the next; a refusal never does.
/// </summary>
public sealed class CacheSubstitutionTransport(IReadOnlyList<DeploymentCache> caches) : IClosureTransport
{
    // How the host's Nix words a refusal: a missing or foreign signature, a NAR that is not what was signed, or bytes
    // that are no (compressed) NAR at all. The cache answered, so another cache would not be more trustworthy.
    private static readonly string[] RefusalMarkers =
    [
        "lacks a valid signature", "hash mismatch", "is not signed", "untrusted",
        "input compression not recognized", "doesn't look like a Nix archive", "bad archive",
    ];

    /// <summary>The transport for the UseForDeploy caches in deployment.json, or null when it names none.</summary>
    public static CacheSubstitutionTransport? For(DeploymentManifest manifest, string manifestPath)
    {
        var forDeploy = (manifest.Caches ?? new Dictionary<string, DeploymentCache>())
            .Where(pair => pair.Value.UseForDeploy)
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => pair.Value with { PublicKey = pair.Value.PublicKey ?? throw new NixDeployException(ErrorCodes.CacheDeployKeyMissing,
                $"Cache '{pair.Key}' in {manifestPath} is marked for deploy but has no public key: give its NixDeployCache a SecretKeyFile or PublicKey and build again.", manifestPath) })
            .ToList();
        return forDeploy.Count == 0 ? null : new CacheSubstitutionTransport(forDeploy);
    }

    public async Task CopyAsync(SshClient host, string closure, Action<NixActivity>? onActivity, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var cache in caches)
        {
            var words = new[]
            {
                "nix", "--extra-experimental-features", "nix-command",
                "copy", "--from", cache.Url,
                // Only this cache's key is trusted for this call, whatever the host's nix.conf says: Nix also trusts the
                // public halves of its secret-key-files, so those are emptied for the call.
                "--option", "trusted-public-keys", cache.PublicKey!,
                "--option", "secret-key-files", "",
                "--option", "require-sigs", "true",
                closure,
            };
            // As root: the options above are a trusted user's, and the store is root's.
            var result = await host.RunAsync(HostEscalation.AsRoot(host.Target, words), $"nix copy --from {cache.Url} {closure}", null, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
                return;
            if (result.ExitCode == SshClient.UnreachableExitCode && result.StandardError.Length > 0 && !result.StandardError.Contains("error:", StringComparison.Ordinal))
                throw host.Unreachable(result);
            var message = FailureText.Condense(result.StandardError);
            if (RefusalMarkers.Any(marker => message.Contains(marker, StringComparison.OrdinalIgnoreCase)))
                throw new NixDeployException(ErrorCodes.CacheSubstitutionRefused,
                    $"{host.Target} refused {closure} from the cache {cache.Url} (trusting only {cache.PublicKey!.Split(':')[0]}): {message}. Nothing was activated. The cache serves unsigned, foreign-signed or tampered paths: push again with the right SecretKeyFile, and check who can write to the cache.");
            failures.Add($"{cache.Url}: {message}");
        }
        throw new NixDeployException(ErrorCodes.CacheSubstitutionFailed,
            $"{host.Target} could not fetch {closure} from its cache{(caches.Count > 1 ? "s" : "")}; nothing was activated. {string.Join(" ", failures)}. Check that the host can reach the cache (or set UseForDeploy=\"false\" to copy from the deployer).");
    }
}
