using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.InfrastructureTests;

public sealed class PackedSdkTests
{
    // The whole chain a user relies on: global.json pin, NuGet.config feed, SDK resolver, private packages folder.
    [Fact]
    public async Task A_nixdeploy_project_builds_against_the_packed_sdk_from_the_private_packages_folder()
    {
        using var project = await TestProject.Named("resolves")
            .WithProject(p => p.Target("ProbeSdk", t => t.Task("Message", ("Importance", "high"), ("Text", "sdk resolved"))))
            .CreateAsync();

        var result = await project.Dotnet().WithTargets("ProbeSdk").MsbuildAsync();

        result.AssertSucceeded();
        result.AssertNoStackTrace();
        Assert.Contains("sdk resolved", result.StandardOutput);
        var restored = Path.Combine(TestRunDirectory.PackagesFolder, SdkFeed.PackageId.ToLowerInvariant(), SdkFeed.Current.Version);
        Assert.True(Directory.Exists(restored), $"{restored} was not restored: the SDK came from somewhere else.");
    }
}
