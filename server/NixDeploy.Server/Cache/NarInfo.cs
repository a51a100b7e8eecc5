using System.Text;
using NixDeploy.Diagnostics;

namespace NixDeploy.Server.Cache;

/// <summary>
/// What the cache reads from a narinfo: the store path it describes, its NarHash (what a re-upload must keep), where
/// its NAR is, and the paths it references (for garbage collection). Signatures are the substituter's to check.
/// </summary>
public sealed record NarInfo(string StorePath, string HashPart, string NarHash, string Url, IReadOnlyList<string> References)
{
    /// <summary>Parses an uploaded narinfo named <paramref name="name"/>: its store path must be the one the name says.</summary>
    public static NarInfo Parse(string name, ReadOnlySpan<byte> bytes)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid(name, "it is not UTF-8 text");
        }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
                fields.TryAdd(line[..colon], line[(colon + 2)..]);
        }
        string Field(string key) => fields.TryGetValue(key, out var value) && value.Length > 0 ? value : throw Invalid(name, $"it has no {key}");
        var storePath = Field("StorePath");
        var hashPart = CacheFileNames.HashPartOf(storePath) ?? throw Invalid(name, $"its StorePath '{storePath}' is not a /nix/store path");
        if (CacheFileNames.NarInfoOf(hashPart) != name)
            throw Invalid(name, $"its StorePath '{storePath}' is not the path the name {name} stands for");
        var url = Field("URL");
        if (!url.StartsWith(CacheFileNames.NarFolder + "/", StringComparison.Ordinal) || !CacheFileNames.IsNar(url[(CacheFileNames.NarFolder.Length + 1)..]))
            throw Invalid(name, $"its URL '{url}' is not nar/FILEHASH.nar[.EXT]");
        var references = fields.TryGetValue("References", out var list) ? list.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        return new NarInfo(storePath, hashPart, Field("NarHash"), url, references);
    }

    /// <summary>The hash parts of the referenced paths (References holds base names: HASH-name).</summary>
    public IEnumerable<string> ReferencedHashParts() =>
        References.Select(reference => CacheFileNames.HashPartOf("/nix/store/" + reference)).OfType<string>();

    private static NixDeployException Invalid(string name, string why) => new(ErrorCodes.CacheNarInfoInvalid,
        $"The narinfo {name} cannot be stored ({why}). Upload narinfos with 'nix copy --to'.");
}
