using NixDeploy.Pipeline;
using NixDeploy.Processes;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Core;

/// <summary>The evaluation's input files, on a real git tree and flake.lock (no Nix needed).</summary>
public sealed class FlakeInputFilesTests
{
    [Fact]
    public async Task Inputs_are_the_flakes_indexed_files_flake_lock_and_every_file_of_its_path_inputs_outside_the_store_and_untracked_nix_files_are_named()
    {
        var root = TestRunDirectory.CreateFolder("flake-inputs");
        try
        {
            var flake = Path.Combine(root, "fleet");
            Write(flake, "flake.nix", "{ outputs = _: { }; }");
            Write(flake, "motd.txt", "welcome");
            Write(flake, "obj/nixdeploy/evaluation.json", "{}");
            Write(flake, ".gitignore", "*.log\nscratch-*.nix\n");
            await GitRepository.CommitAllAsync(flake, "fleet");
            Write(flake, "staged.txt", "staged, not committed");
            await GitRepository.StageAsync(flake, "staged.txt");
            Write(flake, "untracked.txt", "not in the index");
            Write(flake, "deploy.log", "ignored");
            Write(flake, "machines/web-3.nix", "{ }");
            Write(flake, "scratch-1.nix", "ignored");
            Write(flake, "obj/generated.nix", "an output");
            Write(root, "locked-input/default.nix", "{ }");
            Write(root, "locked-input/.hidden", "dot files count");
            Write(root, "override-input/lib.nix", "{ }");
            Write(flake, "flake.lock", """
                { "nodes": {
                    "local": { "locked": { "type": "path", "path": "../locked-input", "narHash": "sha256-x" } },
                    "stored": { "locked": { "type": "path", "path": "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-source" } },
                    "remote": { "locked": { "type": "github", "owner": "NixOS", "repo": "nixpkgs" } },
                    "root": { "inputs": { "local": "local" } } },
                  "root": "root", "version": 7 }
                """);

            var collected = await FlakeInputFiles.CollectAsync(new ProcessRunner(NullCommandLog.Instance), flake,
                ["path:" + Path.Combine(root, "override-input") + "?narHash=sha256-y", "github:NixOS/nixpkgs"],
                [Path.Combine(flake, "obj")], CancellationToken.None);

            Assert.Equal(
                [
                    "fleet/.gitignore", "fleet/flake.lock", "fleet/flake.nix", "fleet/motd.txt", "fleet/staged.txt",
                    "locked-input/.hidden", "locked-input/default.nix", "override-input/lib.nix",
                ],
                collected.Files.Select(file => Path.GetRelativePath(root, file)).Order(StringComparer.Ordinal));
            // What the flake cannot see although it may belong to it: untracked, not ignored, not an output.
            Assert.Equal(["fleet/machines/web-3.nix"], collected.UntrackedNixFiles.Select(file => Path.GetRelativePath(root, file)));
        }
        finally
        {
            TestRunDirectory.Remove(root);
        }
    }

    private static void Write(string directory, string relativePath, string content)
    {
        var path = Path.Combine(directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
