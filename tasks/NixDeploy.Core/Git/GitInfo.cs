using System.ComponentModel;
using NixDeploy.Processes;

namespace NixDeploy.Git;

/// <summary>The commit a deployment was built from, and whether the work tree differed from it.</summary>
public sealed record GitInfo(string? Commit, bool Dirty)
{
    public static readonly GitInfo None = new(null, false);

    private const string OidHeader = "# branch.oid ";

    /// <summary>Reads HEAD of the git tree holding <paramref name="directory"/>; <see cref="None"/> outside git or before its first commit.</summary>
    public static async Task<GitInfo> ReadAsync(ProcessRunner runner, string directory, CancellationToken cancellationToken)
    {
        try
        {
            // One process for both (every GenerateArtifacts runs it): porcelain v2's header names HEAD's commit, and
            // each other line is a change. Untracked files are not part of a flake, so only tracked changes make the tree dirty.
            var status = await runner.RunAsync("git", ["-C", directory, "status", "--porcelain=v2", "--branch", "--untracked-files=no"],
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!status.Succeeded)
                return None;
            var lines = status.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var commit = lines.FirstOrDefault(line => line.StartsWith(OidHeader, StringComparison.Ordinal))?[OidHeader.Length..].Trim();
            // "(initial)": no commit yet.
            if (commit is null || commit.StartsWith('('))
                return None;
            return new GitInfo(commit, lines.Any(line => !line.StartsWith("# ", StringComparison.Ordinal)));
        }
        catch (Win32Exception)
        {
            return None;
        }
    }
}
