using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Spine;

/// <summary>
/// What makes evaluation run again: every file of the flake folder that git has in its index (what Nix sees, not
/// only *.nix), flake.lock and the sources of path: inputs; and what does not: ignored, untracked or outside files.
/// </summary>
public sealed class FlakeInputTests
{
    // web-1's module reads a file that is not Nix, as a motd, an nginx.conf or a public key would be read.
    private static TestFleet ReadsMotd() => new TestFleet()
        .Machine(new TestMachine("web-1", "127.0.0.11", 2222, ["web"]) { Configuration = "users.motd = builtins.readFile ../motd.txt;" })
        .Machine("db-1", "127.0.0.12", 2222, "db");

    [Fact]
    public async Task A_committed_edit_of_a_file_a_module_reads_reaches_the_closure_and_the_manifest()
    {
        using var project = await ReadsMotd().Project("readfile").WithFile("motd.txt", "welcome, one\n").CreateAsync();
        (await project.Dotnet().BuildAsync()).AssertSucceeded();
        var before = Manifests.Closures(Manifests.Read(project));

        File.WriteAllText(project.PathOf("motd.txt"), "welcome, two\n");
        await GitRepository.CommitAllAsync(project.Directory, "new motd");
        var edited = await project.Dotnet().BuildAsync();

        edited.AssertSucceeded();
        var manifest = Manifests.Read(project);
        Assert.Equal(await Manifests.GitHeadAsync(project.Directory), manifest["gitCommit"]!.GetValue<string>());
        Assert.False(manifest["gitDirty"]!.GetValue<bool>());
        var after = Manifests.Closures(manifest);
        Assert.NotEqual(before["web-1"], after["web-1"]);
        Assert.Contains("welcome, two", File.ReadAllText(Path.Combine(after["web-1"], "etc", "nixdeploy", "configuration.json")));
        Assert.Equal(before["db-1"], after["db-1"]);
    }

    [Fact]
    public async Task Ignored_untracked_and_outside_files_run_no_nix_and_an_edit_that_changes_no_derivation_builds_nothing()
    {
        using var project = await ReadsMotd().Project("notinputs")
            .WithFile("motd.txt", "welcome\n")
            .WithFile("README.md", "# the fleet\n")
            .WithFile(".gitignore", "bin/\nobj/\n*.log\n")
            .CreateAsync();
        (await project.Dotnet().BuildAsync()).AssertSucceeded();
        var closures = Manifests.Closures(Manifests.Read(project));

        File.WriteAllText(project.PathOf("deploy.log"), "ignored by git");
        File.WriteAllText(project.PathOf("scratch.txt"), "untracked, so not part of the flake");
        File.WriteAllText(Path.Combine(project.Folder, "outside.txt"), "outside the flake folder");
        var untouched = await project.Dotnet().BuildAsync();

        untouched.AssertSucceeded();
        Assert.False(Manifests.RanNix(untouched), "a file Nix does not see ran nix:\n" + untouched.StandardOutput);

        File.Delete(project.PathOf("scratch.txt"));
        File.AppendAllText(project.PathOf("README.md"), "Deployed with NixDeploy.\n");
        await GitRepository.CommitAllAsync(project.Directory, "readme");
        var readme = await project.Dotnet().BuildAsync();

        readme.AssertSucceeded();
        Assert.True(readme.TargetRan("_NixDeployEvaluateBlueprint"), "a tracked file changed but the blueprint was not evaluated again");
        Assert.True(readme.TargetSkipped("_NixDeployBuildClosures"), "no derivation changed but the closures were built again");
        Assert.Equal(closures, Manifests.Closures(Manifests.Read(project)));
    }

    [Fact]
    public async Task A_change_in_the_source_of_a_path_input_evaluates_again()
    {
        var standin = TestRunDirectory.CreateFolder("standin-copy");
        try
        {
            foreach (var file in Directory.EnumerateFiles(TestFleet.StandinPath))
                File.Copy(file, Path.Combine(standin, Path.GetFileName(file)));
            using var project = await new TestFleet().Standin(standin).Machine("web-1", "127.0.0.11", 2222, "web").Project("pathinput").CreateAsync();
            (await project.Dotnet().BuildAsync()).AssertSucceeded();
            var unchanged = await project.Dotnet().BuildAsync();
            Assert.False(Manifests.RanNix(unchanged));

            File.AppendAllText(Path.Combine(standin, "lib.nix"), "# a change in the input's source\n");
            var changed = await project.Dotnet().BuildAsync();

            changed.AssertSucceeded();
            Assert.True(changed.TargetRan("_NixDeployEvaluateBlueprint"), "the path: input changed but the blueprint was not evaluated again");
        }
        finally
        {
            TestRunDirectory.Remove(standin);
        }
    }
}
