using NixDeploy.Git;
using NixDeploy.Processes;
using NixDeploy.Tests.Infrastructure;
using NixDeploy.Tests.Spine;

namespace NixDeploy.Tests.Core;

/// <summary>deployment.json's gitCommit and gitDirty, read from a real git tree (no Nix needed).</summary>
public sealed class GitInfoTests
{
    [Fact]
    public async Task No_commit_outside_git_and_before_the_first_commit_then_HEAD_and_dirty_only_for_a_tracked_change()
    {
        var root = TestRunDirectory.CreateFolder("git-info");
        try
        {
            var runner = new ProcessRunner(NullCommandLog.Instance);
            Assert.Equal(GitInfo.None, await GitInfo.ReadAsync(runner, root, CancellationToken.None));

            File.WriteAllText(Path.Combine(root, "flake.nix"), "{ outputs = _: { }; }");
            await GitRepository.InitAsync(root);
            await GitRepository.StageAsync(root, "flake.nix");
            Assert.Equal(GitInfo.None, await GitInfo.ReadAsync(runner, root, CancellationToken.None));

            await GitRepository.CommitAllAsync(root, "fleet");
            var head = await Manifests.GitHeadAsync(root);
            File.WriteAllText(Path.Combine(root, "untracked.nix"), "{ }");
            Assert.Equal(new GitInfo(head, false), await GitInfo.ReadAsync(runner, root, CancellationToken.None));

            File.WriteAllText(Path.Combine(root, "flake.nix"), "{ outputs = _: { x = 1; }; }");
            Assert.Equal(new GitInfo(head, true), await GitInfo.ReadAsync(runner, root, CancellationToken.None));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
