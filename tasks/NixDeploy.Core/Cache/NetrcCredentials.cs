using System.Net.Http.Headers;
using System.Text;

namespace NixDeploy.Cache;

/// <summary>
/// The login a netrc file (Nix's <c>netrc-file</c>) gives for a host, as an HTTP Basic header: for the requests the
/// SDK makes to a cache itself. Tokens as curl reads them: <c>machine HOST login USER password PASSWORD</c>, or <c>default</c>.
/// </summary>
public static class NetrcCredentials
{
    public static AuthenticationHeaderValue? For(string netrcFile, string host)
    {
        var tokens = File.ReadAllText(netrcFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        string? login = null, password = null;
        var matching = false;
        for (var i = 0; i < tokens.Length; i++)
        {
            switch (tokens[i])
            {
                case "machine" when i + 1 < tokens.Length:
                    if (matching)
                        return Basic(login, password);
                    matching = string.Equals(tokens[++i], host, StringComparison.OrdinalIgnoreCase);
                    break;
                case "default":
                    if (matching)
                        return Basic(login, password);
                    matching = true;
                    break;
                case "login" when matching && i + 1 < tokens.Length:
                    login = tokens[++i];
                    break;
                case "password" when matching && i + 1 < tokens.Length:
                    password = tokens[++i];
                    break;
            }
        }
        return matching ? Basic(login, password) : null;
    }

    private static AuthenticationHeaderValue? Basic(string? login, string? password) =>
        login is null ? null : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{login}:{password}")));
}
