using NixDeploy.Tests.Infrastructure;
using Xunit.Sdk;

namespace NixDeploy.Tests.InfrastructureTests;

public sealed class BuildResultTests
{
    [Theory]
    [InlineData("     1>/tmp/p.proj(4,5): error MSB4018: The \"Deploy\" task failed unexpectedly.\nSystem.InvalidOperationException: no hosts")]
    [InlineData("Unhandled exception.\n   at NixDeploy.Nix.NixCli.BuildAsync(String flake) in /src/NixCli.cs:line 12")]
    [InlineData("     1>   at Microsoft.Build.BackEnd.TaskBuilder.ExecuteInstantiatedTask(TaskHost host)")]
    public void AssertNoStackTrace_fails_on_exception_output(string output)
    {
        var result = new BuildResult("dotnet build p.proj", 1, output, "", "", null);

        Assert.Throws<XunitException>(result.AssertNoStackTrace);
    }

    [Fact]
    public void AssertNoStackTrace_accepts_a_plain_coded_error()
    {
        var result = new BuildResult(
            "dotnet build p.proj", 1, "     1>/tmp/p.proj(4,5): error ND0101: host web1 at 127.0.0.11 is unreachable (exit 255)", "", "", null);

        result.AssertNoStackTrace();
    }

    [Fact]
    public void Succeeded_follows_the_exit_code()
    {
        Assert.True(new BuildResult("dotnet build", 0, "", "", "", null).Succeeded);
        Assert.False(new BuildResult("dotnet build", 1, "Build succeeded.", "", "", null).Succeeded);
    }
}
