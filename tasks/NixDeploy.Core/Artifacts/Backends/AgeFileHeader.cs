using System.Security.Cryptography;
using System.Text;

namespace NixDeploy.Artifacts.Backends;

/// <summary>
/// Who an (armored) age file is encrypted to, as far as its header tells: the number of X25519 recipients, and the
/// tag of each SSH recipient (the first 4 bytes of the SHA-256 of its key). Enough to see that the configured
/// recipients changed since a file was encrypted, without decrypting it.
/// </summary>
public sealed record AgeFileHeader(int X25519Recipients, IReadOnlyList<string> SshRecipientTags)
{
    private const string Begin = "-----BEGIN AGE ENCRYPTED FILE-----";
    private const string End = "-----END AGE ENCRYPTED FILE-----";

    /// <summary>The header of an armored age file; null when the file is not one.</summary>
    public static AgeFileHeader? Read(string path)
    {
        var text = File.ReadAllText(path);
        var begin = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
            return null;
        byte[] binary;
        try
        {
            binary = Convert.FromBase64String(string.Concat(text[(begin + Begin.Length)..end].Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException)
        {
            return null;
        }
        var headerEnd = IndexOf(binary, "\n--- "u8.ToArray());
        if (headerEnd < 0)
            return null;
        var stanzas = Encoding.ASCII.GetString(binary, 0, headerEnd).Split('\n')
            .Where(line => line.StartsWith("-> ", StringComparison.Ordinal))
            .Select(line => line[3..].Split(' '))
            .ToList();
        return new AgeFileHeader(
            stanzas.Count(stanza => stanza[0] == "X25519"),
            stanzas.Where(stanza => stanza[0] is "ssh-ed25519" or "ssh-rsa" && stanza.Length > 1).Select(stanza => stanza[1]).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>The header a file encrypted to exactly <paramref name="recipients"/> has.</summary>
    public static AgeFileHeader Expected(IEnumerable<string> recipients)
    {
        var list = recipients.ToList();
        return new AgeFileHeader(
            list.Count(recipient => recipient.StartsWith("age1", StringComparison.Ordinal)),
            list.Where(recipient => recipient.StartsWith("ssh-", StringComparison.Ordinal)).Select(SshTag).Order(StringComparer.Ordinal).ToList());
    }

    public bool SameRecipients(AgeFileHeader other) =>
        X25519Recipients == other.X25519Recipients && SshRecipientTags.SequenceEqual(other.SshRecipientTags);

    // age's tag: unpadded standard base64 of the first 4 bytes of SHA-256 over the key's SSH wire encoding.
    private static string SshTag(string publicKey)
    {
        var wire = Convert.FromBase64String(publicKey.Split(' ')[1]);
        return Convert.ToBase64String(SHA256.HashData(wire)[..4]).TrimEnd('=');
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
                return i;
        }
        return -1;
    }
}
