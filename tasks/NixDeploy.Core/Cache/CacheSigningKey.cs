using System.Text;
using NixDeploy.Diagnostics;

namespace NixDeploy.Cache;

/// <summary>
/// Nix's signing keys (<c>nix key generate-secret</c>): <c>NAME:BASE64</c>, the secret being an Ed25519 key in
/// libsodium's 64-byte form, whose last 32 bytes are the public key. So the public key is read from the file
/// without running Nix (what <c>nix key convert-secret-to-public</c> does), and the secret never leaves this class.
/// </summary>
public static class CacheSigningKey
{
    private const int SecretKeyBytes = 64;
    private const int PublicKeyBytes = 32;

    /// <summary>The public key <c>NAME:BASE64</c> of the secret key in <paramref name="secretKeyFile"/>; fails with ND4002 naming only the file.</summary>
    public static string PublicKeyOf(string secretKeyFile, string cacheName, string? file)
    {
        string text;
        try
        {
            text = File.ReadAllText(secretKeyFile, Encoding.UTF8).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Invalid(cacheName, secretKeyFile, e is FileNotFoundException or DirectoryNotFoundException ? "does not exist" : "cannot be read", file);
        }
        var colon = text.IndexOf(':');
        if (colon <= 0)
            throw Invalid(cacheName, secretKeyFile, "is not a Nix secret key (NAME:BASE64)", file);
        var bytes = new byte[SecretKeyBytes];
        if (!Convert.TryFromBase64String(text[(colon + 1)..], bytes, out var length) || length != SecretKeyBytes)
            throw Invalid(cacheName, secretKeyFile, "is not a Nix secret key (NAME:BASE64 of 64 bytes); it may be a public key", file);
        return text[..colon] + ":" + Convert.ToBase64String(bytes, SecretKeyBytes - PublicKeyBytes, PublicKeyBytes);
    }

    public static bool IsPublicKey(string key)
    {
        var colon = key.IndexOf(':');
        return colon > 0 && Convert.TryFromBase64String(key[(colon + 1)..], new byte[PublicKeyBytes + 1], out var length) && length == PublicKeyBytes;
    }

    private static NixDeployException Invalid(string cacheName, string path, string problem, string? file) => new(ErrorCodes.CacheSecretKeyInvalid,
        $"The SecretKeyFile of NixDeployCache '{cacheName}', '{path}', {problem}. Create one with 'nix key generate-secret --key-name NAME > {path}' and keep it out of the repository.", file);
}
