using System.Globalization;
using System.IO.Enumeration;
using System.Text;

namespace NixDeploy.Ssh;

/// <summary>
/// Every file ssh reads to open a connection to one target, found as ssh finds them but without starting it (a
/// process per host costs more than the rest of a no-op deploy): the user's and the system's config files with their
/// Includes, the known-hosts files, identities and certificates they or the deployer's settings name, and ssh's
/// defaults for those. Host and Match blocks are not evaluated: a file that any block names counts, so no change
/// that could matter to the target is missed (one that could not costs only a new connection). The config files are
/// read once, for every target.
/// </summary>
internal sealed class SshReadFiles
{
    // readconf.c's limit on nested Includes.
    private const int MaxIncludeDepth = 16;

    private static readonly string[] DefaultIdentities = ["id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_xmss", "id_dsa"];

    private static readonly string[] NamedFileKeywords = ["userknownhostsfile", "globalknownhostsfile", "identityfile", "certificatefile"];

    private readonly LocalUser _user;
    private readonly string _systemDirectory;
    private readonly List<string> _configs = [];
    private readonly List<(string Keyword, string Path)> _named = [];

    public SshReadFiles(LocalUser user, string systemDirectory = "/etc/ssh")
    {
        _user = user;
        _systemDirectory = systemDirectory;
        var userDirectory = Path.Combine(_user.Home, ".ssh");
        Read(Path.Combine(userDirectory, "config"), userDirectory, 0);
        Read(Path.Combine(systemDirectory, "ssh_config"), systemDirectory, 0);
    }

    /// <summary>The files' full paths, config files first, whether they exist or not (creating one matters too).</summary>
    public IReadOnlyList<string> For(SshOptions options, SshTarget target)
    {
        IEnumerable<string> Named(string keyword) => _named.Where(entry => entry.Keyword == keyword).Select(entry => entry.Path);

        // The command line's UserKnownHostsFile overrides the config's; identities from both are offered.
        IEnumerable<string> userKnownHosts = options.KnownHostsFile is { } knownHosts ? [knownHosts]
            : [.. Named("userknownhostsfile"), "~/.ssh/known_hosts", "~/.ssh/known_hosts2"];
        IEnumerable<string> paths =
        [
            .. userKnownHosts,
            .. Named("globalknownhostsfile"), Path.Combine(_systemDirectory, "ssh_known_hosts"), Path.Combine(_systemDirectory, "ssh_known_hosts2"),
            .. options.IdentityFile is { } identity ? [identity] : Array.Empty<string>(),
            .. Named("identityfile"), .. Named("certificatefile"), .. DefaultIdentities.Select(name => $"~/.ssh/{name}"),
        ];
        return _configs.Concat(paths.Where(path => !path.Equals("none", StringComparison.OrdinalIgnoreCase))
            .Select(path => Path.GetFullPath(Expand(path, target)))).Distinct(StringComparer.Ordinal).ToList();
    }

    // Include paths are relative to ~/.ssh in the user's config and to /etc/ssh in the system's, as in readconf.c.
    private void Read(string file, string relativeTo, int depth)
    {
        _configs.Add(file);
        if (depth > MaxIncludeDepth || !File.Exists(file))
            return;
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var line in lines)
        {
            var words = Words(line);
            if (words.Count < 2)
                continue;
            var keyword = words[0].ToLowerInvariant();
            if (keyword == "include")
            {
                foreach (var pattern in words.Skip(1))
                    foreach (var included in Glob(Path.Combine(relativeTo, Tilde(pattern))))
                        Read(included, relativeTo, depth + 1);
            }
            else if (NamedFileKeywords.Contains(keyword))
                _named.AddRange(words.Skip(1).Select(path => (keyword, path)));
        }
    }

    /// <summary>A config line's keyword and arguments: "Keyword args" or "Keyword=args", "quoted" words, # comments.</summary>
    private static List<string> Words(string line)
    {
        var words = new List<string>();
        var rest = line.AsSpan().Trim();
        var end = rest.IndexOfAny(" \t=");
        if (rest.IsEmpty || rest[0] == '#' || end < 0)
            return words;
        words.Add(rest[..end].ToString());
        rest = rest[end..].TrimStart();
        if (rest.StartsWith("="))
            rest = rest[1..].TrimStart();
        var word = new StringBuilder();
        var quoted = false;
        for (var i = 0; i <= rest.Length; i++)
        {
            if (i == rest.Length || (!quoted && char.IsWhiteSpace(rest[i])))
            {
                if (word.Length > 0)
                    words.Add(word.ToString());
                word.Clear();
            }
            else if (rest[i] == '"')
                quoted = !quoted;
            else if (rest[i] == '#' && !quoted && word.Length == 0)
                break;
            else
                word.Append(rest[i]);
        }
        return words;
    }

    /// <summary>An Include pattern's matches in glob(3)'s order; * and ? match within one path segment, not a leading dot.</summary>
    private static IEnumerable<string> Glob(string pattern)
    {
        IEnumerable<string> matches = ["/"];
        foreach (var segment in pattern.Split('/', StringSplitOptions.RemoveEmptyEntries))
            matches = segment.IndexOfAny(['*', '?']) < 0
                ? matches.Select(directory => Path.Combine(directory, segment))
                : matches.SelectMany(directory => Entries(directory, segment));
        return matches.Where(File.Exists).Order(StringComparer.Ordinal);
    }

    private static IEnumerable<string> Entries(string directory, string segment)
    {
        try
        {
            return Directory.Exists(directory)
                ? Directory.GetFileSystemEntries(directory).Where(entry => Path.GetFileName(entry) is var name
                    && (name[0] != '.' || segment[0] == '.') && FileSystemName.MatchesSimpleExpression(segment, name, ignoreCase: false)).ToList()
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // ssh cannot read what is there either.
            return [];
        }
    }

    /// <summary>A path as ssh expands it for this target: ${VARIABLE}s, then %-tokens, then a leading ~.</summary>
    private string Expand(string path, SshTarget target)
    {
        var expanded = new StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '$' && i + 1 < path.Length && path[i + 1] == '{' && path.IndexOf('}', i) is > 0 and var close)
            {
                expanded.Append(Environment.GetEnvironmentVariable(path[(i + 2)..close]));
                i = close;
            }
            else if (path[i] == '%' && i + 1 < path.Length)
            {
                i++;
                expanded.Append(path[i] switch
                {
                    '%' => "%",
                    'd' => _user.Home,
                    'u' => _user.Name,
                    'i' => _user.Id.ToString(CultureInfo.InvariantCulture),
                    // The address is the host name too unless the config gives another HostName (its file is hashed then).
                    'h' or 'n' or 'k' => target.Address,
                    'p' => target.Port.ToString(CultureInfo.InvariantCulture),
                    'r' => target.User,
                    // %C, %j, %l, %L, %T: not predicted; the config that uses them is hashed.
                    var token => $"%{token}",
                });
            }
            else
                expanded.Append(path[i]);
        }
        return Tilde(expanded.ToString());
    }

    private string Tilde(string path) =>
        path == "~" ? _user.Home : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(_user.Home, path[2..]) : path;
}
