using NixDeploy.Tests.Fleets;

namespace NixDeploy.Tests.Spine;

public sealed class IncrementalBuildTests
{
    private static TestFleet TwoMachines() => new TestFleet()
        .Machine("web-1", "127.0.0.11", 2222, "web")
        .Machine("db-1", "127.0.0.12", 2222, "db");

    [Fact]
    public async Task A_second_build_runs_no_nix_and_changing_one_nix_file_rebuilds_only_what_changed()
    {
        using var project = await TwoMachines().Project("incremental").CreateAsync();
        var first = await project.Dotnet().BuildAsync();
        first.AssertSucceeded();
        var before = Manifests.Closures(Manifests.Read(project));
        var manifestTime = File.GetLastWriteTimeUtc(Manifests.PathIn(project));

        var second = await project.Dotnet().BuildAsync();

        second.AssertSucceeded();
        Assert.False(Manifests.RanNix(second), "the no-op build ran nix:\n" + second.StandardOutput);
        Assert.True(second.TargetSkipped("_NixDeployEvaluateBlueprint"));
        Assert.True(second.TargetSkipped("_NixDeployBuildClosures"));
        Assert.Equal(manifestTime, File.GetLastWriteTimeUtc(Manifests.PathIn(project)));

        File.WriteAllText(project.PathOf("machines/web-1.nix"), """
            { ... }: { networking.hostName = "web-1"; services.nginx.enable = true; }
            """);
        var third = await project.Dotnet().BuildAsync();

        third.AssertSucceeded();
        Assert.True(Manifests.RanNix(third));
        var after = Manifests.Closures(Manifests.Read(project));
        Assert.NotEqual(before["web-1"], after["web-1"]);
        Assert.Equal(before["db-1"], after["db-1"]);
    }

    [Fact]
    public async Task A_changed_setting_or_NixDeployInput_item_makes_the_steps_run_again()
    {
        using var project = await TwoMachines()
            .Project("settings", p => p.Item("NixDeployInput", "extra-input.txt"))
            .WithFile("extra-input.txt", "one")
            .CreateAsync();
        (await project.Dotnet().BuildAsync()).AssertSucceeded();

        var selectionChanged = await project.Dotnet().WithProperty("NixDeployOn", "web-1").BuildAsync();
        selectionChanged.AssertSucceeded();
        Assert.True(Manifests.RanNix(selectionChanged));

        (await project.Dotnet().WithProperty("NixDeployOn", "web-1").BuildAsync()).AssertSucceeded();
        File.SetLastWriteTimeUtc(project.PathOf("extra-input.txt"), DateTime.UtcNow.AddSeconds(5));
        var inputChanged = await project.Dotnet().WithProperty("NixDeployOn", "web-1").BuildAsync();
        inputChanged.AssertSucceeded();
        Assert.True(Manifests.RanNix(inputChanged));
    }

    [Fact]
    public async Task Clean_removes_every_output_rebuild_runs_nix_again_and_restore_succeeds()
    {
        using var project = await TwoMachines().Project("clean").CreateAsync();
        (await project.Dotnet().BuildAsync()).AssertSucceeded();

        var clean = await project.Dotnet().CleanAsync();

        clean.AssertSucceeded();
        // Only the build lock stays: a build waiting for it may have it open already (see NixDeploy.Common.targets).
        Assert.Equal(["build.lock"], Directory.EnumerateFiles(project.PathOf("obj"), "*", SearchOption.AllDirectories).Select(Path.GetFileName));
        Assert.Empty(Directory.EnumerateFiles(project.PathOf("bin"), "*", SearchOption.AllDirectories));

        (await project.Dotnet().BuildAsync()).AssertSucceeded();
        var rebuild = await project.Dotnet().WithTargets("Rebuild").BuildAsync();
        rebuild.AssertSucceeded();
        Assert.True(Manifests.RanNix(rebuild));
        Assert.True(File.Exists(Manifests.PathIn(project)));

        (await project.Dotnet().RestoreAsync()).AssertSucceeded();
    }
}
