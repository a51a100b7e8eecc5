using System.Text.RegularExpressions;

namespace NixDeploy.Artifacts;

/// <summary>What <c>age -r</c> accepts from us: an age X25519 key or an SSH ed25519/RSA public key, on one line.</summary>
public static partial class AgeRecipients
{
    [GeneratedRegex("\\A(age1[0-9a-z]{58}|ssh-(ed25519|rsa) [A-Za-z0-9+/=]+( [^\\r\\n]*)?)\\z")]
    private static partial Regex RecipientPattern();

    public static bool IsValid(string key) => RecipientPattern().IsMatch(key);
}
