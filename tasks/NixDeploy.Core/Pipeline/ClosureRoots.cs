using System.Globalization;

namespace NixDeploy.Pipeline;

/// <summary>
/// Garbage-collector roots for the current deployment's closures: <c>nix build --out-link</c>'s links in a folder
/// under obj/ (indirect roots, so deleting a link frees its closure). Nix names them <c>result</c>, <c>result-1</c>,
/// … one per derivation built; each build replaces them, and Clean deletes the folder. A workload's command-built
/// deliverable (added to the store, not built by Nix) has its own link, <c>command-NAME</c>.
/// </summary>
public static class ClosureRoots
{
    private const string LinkName = "result";
    private const string CommandLinkPrefix = "command-";

    public static string OutLink(string directory) => Path.Combine(directory, LinkName);

    public static string CommandOutLink(string directory, string workload) => Path.Combine(directory, CommandLinkPrefix + workload);

    /// <summary>Deletes the command builds' links of workloads other than <paramref name="workloads"/>: no longer built.</summary>
    public static void KeepCommands(string directory, IReadOnlyCollection<string> workloads)
    {
        if (!Directory.Exists(directory))
            return;
        foreach (var link in Directory.EnumerateFileSystemEntries(directory, CommandLinkPrefix + "*"))
        {
            if (!workloads.Contains(Path.GetFileName(link)[CommandLinkPrefix.Length..]))
                File.Delete(link);
        }
    }

    /// <summary>Deletes the links beyond this build's <paramref name="count"/>: a previous build built more.</summary>
    public static void KeepFirst(string directory, int count)
    {
        if (!Directory.Exists(directory))
            return;
        foreach (var link in Directory.EnumerateFileSystemEntries(directory, LinkName + "*"))
        {
            if (Index(Path.GetFileName(link)) >= count)
                File.Delete(link);
        }
    }

    private static int? Index(string name) =>
        name == LinkName ? 0
        : name.StartsWith(LinkName + "-", StringComparison.Ordinal) && int.TryParse(name[(LinkName.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index
        : null;
}
