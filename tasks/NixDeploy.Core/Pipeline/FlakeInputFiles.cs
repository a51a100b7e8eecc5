using System.ComponentModel;
using System.Text.Json;
using NixDeploy.Processes;

namespace NixDeploy.Pipeline;

/// <summary>
/// The files whose change can change what a local flake evaluates to: what Nix copies of the flake (in a git tree,
/// exactly the files in git's index, whatever their kind), flake.lock, and every file of its <c>path:</c> inputs
/// (locked in flake.lock, or given as NixDeployOverrideInput). Untracked, ignored and outside files are not part
/// of the flake, so changing them evaluates nothing.
/// </summary>
public static class FlakeInputFiles
{
    /// <summary>The flake's input files, and the .nix files in its folder that git does not track yet (so Nix cannot see them).</summary>
    public sealed record Collected(IReadOnlyList<string> Files, IReadOnlyList<string> UntrackedNixFiles);

    private const string PathScheme = "path:";

    private static readonly EnumerationOptions EveryFile = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        // Dot files are "hidden" on Unix, and Nix copies them too.
        AttributesToSkip = FileAttributes.None,
    };

    /// <param name="overrideUrls">NixDeployOverrideInput URLs; relative <c>path:</c> ones resolve against the current directory, as Nix's do.</param>
    /// <param name="outputDirectories">The build's own bin/ and obj/, never inputs.</param>
    public static async Task<Collected> CollectAsync(ProcessRunner runner, string flakeDirectory, IEnumerable<string> overrideUrls,
        IReadOnlyCollection<string> outputDirectories, CancellationToken cancellationToken)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var git = await GitFilesAsync(runner, flakeDirectory, cancellationToken).ConfigureAwait(false);
        var flake = git?.Tracked ?? AllFiles(flakeDirectory);
        // The build's own bin/ and obj/ (even when git tracks them) are outputs: as inputs, every build would evaluate again.
        files.UnionWith(flake.Where(file => !outputDirectories.Any(directory => IsUnder(file, directory))));
        var lockFile = Path.Combine(flakeDirectory, "flake.lock");
        var pathInputs = overrideUrls.Select(PathOf).OfType<string>().Select(path => Path.GetFullPath(path));
        if (File.Exists(lockFile))
        {
            files.Add(lockFile);
            pathInputs = pathInputs.Concat(LockedPaths(lockFile).Select(path => Path.GetFullPath(path, flakeDirectory)));
        }
        // Store paths never change; a path input outside the store is copied whole by Nix.
        foreach (var input in pathInputs.Where(path => !path.StartsWith("/nix/store/", StringComparison.Ordinal)))
            files.UnionWith(AllFiles(input));
        var untracked = (git?.Untracked ?? []).Where(file => file.EndsWith(".nix", StringComparison.Ordinal)
            && !outputDirectories.Any(directory => IsUnder(file, directory))).Order(StringComparer.Ordinal).ToList();
        return new Collected(files.ToList(), untracked);
    }

    /// <summary>
    /// Under the folder, in one git call: the files in git's index (tracked or staged) that exist, and the files git
    /// neither tracks nor ignores; null outside a git tree.
    /// </summary>
    private static async Task<(IEnumerable<string> Tracked, IEnumerable<string> Untracked)?> GitFilesAsync(
        ProcessRunner runner, string directory, CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            // -t tags each entry: "? " for an untracked one, another letter for one in the index.
            result = await runner.RunAsync("git", ["-C", directory, "ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard"],
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception)
        {
            return null;
        }
        if (!result.Succeeded)
            return null;
        var entries = result.StandardOutput.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Where(entry => entry.Length > 2)
            .Select(entry => (Untracked: entry[0] == '?', File: Path.Combine(directory, entry[2..])))
            .ToList();
        return (entries.Where(entry => !entry.Untracked).Select(entry => entry.File).Where(File.Exists),
            entries.Where(entry => entry.Untracked).Select(entry => entry.File));
    }

    // A .git folder is left out: git's own database, large and rewritten by every git command.
    private static IEnumerable<string> AllFiles(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*", EveryFile).Where(file => !IsUnder(file, Path.Combine(directory, ".git")))
            : [];

    private static bool IsUnder(string file, string directory) =>
        file.StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string? PathOf(string url)
    {
        if (!url.StartsWith(PathScheme, StringComparison.Ordinal))
            return null;
        var path = url[PathScheme.Length..].Split('?', 2)[0];
        return path.Length > 0 ? path : null;
    }

    /// <summary>flake.lock's locked <c>path</c> inputs; a lock file Nix cannot read either is Nix's to report.</summary>
    private static IEnumerable<string> LockedPaths(string lockFile)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(lockFile));
            if (!document.RootElement.TryGetProperty("nodes", out var nodes) || nodes.ValueKind != JsonValueKind.Object)
                return [];
            return nodes.EnumerateObject()
                .Select(node => node.Value.ValueKind == JsonValueKind.Object && node.Value.TryGetProperty("locked", out var locked) ? locked : default)
                .Where(locked => locked.ValueKind == JsonValueKind.Object
                    && locked.TryGetProperty("type", out var type) && type.ValueEquals("path")
                    && locked.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.String)
                .Select(locked => locked.GetProperty("path").GetString()!)
                .ToList();
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return [];
        }
    }
}
