using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.InfrastructureTests;

public sealed class RepositoryVersionTests
{
    // The samples resolve NixDeploy.Sdk through the repository's global.json: a stale pin would load an old pack.
    [Fact]
    public void Global_json_pins_the_sdk_version_that_Directory_Build_props_packs()
    {
        var pinned = RepositoryRoot.GlobalJson()["msbuild-sdks"]?[SdkFeed.PackageId]?.GetValue<string>();

        Assert.Equal(RepositoryRoot.PackageVersion(), pinned);
    }
}
