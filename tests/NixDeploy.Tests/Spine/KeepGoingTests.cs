using NixDeploy.Tests.Fleets;

namespace NixDeploy.Tests.Spine;

public sealed class KeepGoingTests
{
    private static TestFleet FleetWithABrokenMachine() => new TestFleet()
        .Machine("web-1", "127.0.0.11", 2222, "web")
        .Machine(new TestMachine("web-2", "127.0.0.12", 2222, ["web"]) { Configuration = "nixdeploy.standin.buildFails = true;" })
        .Machine("db-1", "127.0.0.13", 2222, "db");

    [Fact]
    public async Task A_failed_machine_is_named_with_nixs_message_and_no_manifest_is_written()
    {
        using var project = await FleetWithABrokenMachine().Project("fails").CreateAsync();

        var result = await project.Dotnet().BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        Assert.Contains(result.Errors, e => e.Code == "ND1201" && e.Message.Contains("machine 'web-2'"));
        Assert.Contains("nixdeploy.standin.buildFails = true", result.StandardOutput);
        Assert.DoesNotContain(result.Errors, e => e.Message.Contains("'web-1'") || e.Message.Contains("'db-1'"));
        Assert.False(File.Exists(Manifests.PathIn(project)));
    }

    [Fact]
    public async Task With_keep_going_the_other_closures_are_built_and_recorded_and_the_build_still_fails()
    {
        using var project = await FleetWithABrokenMachine().Project("keepgoing").CreateAsync();

        var result = await project.Dotnet().WithProperty("NixDeployKeepGoing", "true").BuildAsync();

        result.AssertFailed();
        Assert.Contains(result.Errors, e => e.Code == "ND1201" && e.Message.Contains("machine 'web-2'"));
        Assert.Equal(["db-1", "web-1"], Manifests.Closures(Manifests.Read(project)).Keys.Order());

        var again = await project.Dotnet().WithProperty("NixDeployKeepGoing", "true").BuildAsync();
        again.AssertFailed();
        Assert.True(again.TargetRan("_NixDeployBuildClosures"), "a partial build must not count as up to date");
    }
}
