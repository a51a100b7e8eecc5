using System.ComponentModel;
using NixDeploy.Processes;

namespace NixDeploy.Git;

/// <summary>The commit a deployment was built from, and whether the work tree differed from it.</summary>
public sealed record GitInfo(string? Commit, bool Dirty)
{
    public static readonly GitInfo None = new(null, false);

    /// <summary>Reads HEAD of the git tree holding <paramref name="directory"/>; <see cref="None"/> outside git.</summary>
    public static async Task<GitInfo> ReadAsync(ProcessRunner runner, string directory, CancellationToken cancellationToken)
    {
        try
        {
            var head = await runner.RunAsync("git", ["-C", directory, "rev-parse", "--verify", "--quiet", "HEAD"], cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!head.Succeeded)
                return None;
            // Untracked files are not part of a flake, so only tracked changes make the tree dirty.
            var status = await runner.RunAsync("git", ["-C", directory, "status", "--porcelain", "--untracked-files=no"], cancellationToken: cancellationToken).ConfigureAwait(false);
            return new GitInfo(head.StandardOutput.Trim(), !status.Succeeded || status.StandardOutput.Trim().Length > 0);
        }
        catch (Win32Exception)
        {
            return None;
        }
    }
}
