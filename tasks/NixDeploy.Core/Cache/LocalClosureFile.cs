using System.Globalization;
using NixDeploy.IO;
using NixDeploy.Nix;

namespace NixDeploy.Cache;

/// <summary>
/// Remembers a closure listing under obj/: store paths never change, so the closure of the same roots is the same
/// forever, and a repeated push need not ask Nix again. Line 1 holds the roots, then one "PATH NARSIZE" per line.
/// </summary>
public static class LocalClosureFile
{
    public static async Task<IReadOnlyList<StorePathInfo>> ReadOrListAsync(
        string? path, NixCli nix, IReadOnlyCollection<string> roots, string? file, CancellationToken cancellationToken)
    {
        var key = string.Join(' ', roots.Order(StringComparer.Ordinal));
        if (path is not null && Read(path, key) is { } remembered)
            return remembered;
        var closure = await LocalClosure.ReadAsync(nix, roots, file, cancellationToken).ConfigureAwait(false);
        if (path is not null)
            AtomicFile.Write(path, key + "\n" + string.Concat(closure.Select(info => $"{info.Path} {info.NarSize.ToString(CultureInfo.InvariantCulture)}\n")));
        return closure;
    }

    private static List<StorePathInfo>? Read(string path, string key)
    {
        try
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length == 0 || lines[0] != key)
                return null;
            var closure = new List<StorePathInfo>();
            foreach (var line in lines.Skip(1))
            {
                var parts = line.Split(' ');
                if (parts.Length != 2 || !StorePath.IsValid(parts[0]) || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                    return null;
                closure.Add(new StorePathInfo(parts[0], size));
            }
            return closure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
