using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace NixDeploy.Server.Auth;

/// <summary>
/// A bearer token's text, <c>ndt_ID_SECRET</c>: the id finds the stored token, the secret (32 random bytes) is
/// stored only as its SHA-256 and compared in constant time.
/// </summary>
public static class TokenSecret
{
    private const string Prefix = "ndt_";
    private const int IdLength = 12;

    /// <summary>A new token: its id, the text shown once, and the hash to store.</summary>
    public static (string Id, string Text, byte[] Hash) Create()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (id, $"{Prefix}{id}_{secret}", Hash(secret));
    }

    /// <summary>The id and secret of a token's text; null when it is not one.</summary>
    public static (string Id, string Secret)? Parse(string text)
    {
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length <= Prefix.Length + IdLength + 1 || text[Prefix.Length + IdLength] != '_')
            return null;
        var id = text.Substring(Prefix.Length, IdLength);
        return id.All(Uri.IsHexDigit) ? (id, text[(Prefix.Length + IdLength + 1)..]) : null;
    }

    public static bool Matches(string secret, byte[] storedHash) => CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
