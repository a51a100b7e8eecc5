using System.Text.RegularExpressions;

namespace NixDeploy.Processes;

/// <summary>
/// POSIX single-quoting. Remote commands over SSH are one string that the remote shell parses, so every
/// word we send is quoted here; nothing from a blueprint reaches a shell unquoted.
/// </summary>
public static partial class ShellQuote
{
    [GeneratedRegex(@"\A[A-Za-z0-9_@%+=:,./-]+\z")]
    private static partial Regex SafeWord();

    public static string Quote(string word) =>
        word.Length > 0 && SafeWord().IsMatch(word) ? word : "'" + word.Replace("'", "'\\''") + "'";

    public static string QuoteForDisplay(string word) => Quote(word);

    /// <summary>Joins words into one command line for a remote POSIX shell.</summary>
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));
}
