using NixDeploy.Pipeline;
using NixDeploy.Processes;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Core;

/// <summary>The evaluation's input files, on a real git tree and flake.lock (no Nix needed).</summary>
public sealed class FlakeInputFilesTests
{
    [Fact]
    public async Task Inputs_are_the_flakes_indexed_files_flake_lock_and_every_file_of_its_path_inputs_outside_the_store()
    {
        var root = TestRunDirectory.CreateFolder("flake-inputs");
        try
        {
            var flake = Path.Combine(root, "fleet");
            Write(flake, "flake.nix", "{ outputs = _: { }; }");
            Write(flake, "motd.txt", "welcome");
            Write(flake, "obj/nixdeploy/evaluation.json", "{}");
            Write(flake, ".gitignore", "*.log\n");
            await GitRepository.CommitAllAsync(flake, "fleet");
            Write(flake, "staged.txt", "staged, not committed");
            await GitRepository.StageAsync(flake, "staged.txt");
            Write(flake, "untracked.txt", "not in the index");
            Write(flake, "deploy.log", "ignored");
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

            var files = await FlakeInputFiles.CollectAsync(new ProcessRunner(NullCommandLog.Instance), flake,
                ["path:" + Path.Combine(root, "override-input") + "?narHash=sha256-y", "github:NixOS/nixpkgs"],
                [Path.Combine(flake, "obj")], CancellationToken.None);

            Assert.Equal(
                [
                    "fleet/.gitignore", "fleet/flake.lock", "fleet/flake.nix", "fleet/motd.txt", "fleet/staged.txt",
                    "locked-input/.hidden", "locked-input/default.nix", "override-input/lib.nix",
                ],
                files.Select(file => Path.GetRelativePath(root, file)).Order(StringComparer.Ordinal));
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
