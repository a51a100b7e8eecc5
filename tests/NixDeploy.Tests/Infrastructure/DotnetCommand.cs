using CliWrap;
using CliWrap.Buffered;

namespace NixDeploy.Tests.Infrastructure;

/// <summary>A plain <c>dotnet</c> command (new, sln, ...) in a folder, on the test run's private packages folder.</summary>
public static class DotnetCommand
{
    public static Task<BufferedCommandResult> RunAsync(string directory, params string[] arguments) =>
        Cli.Wrap("dotnet").WithArguments(arguments).WithWorkingDirectory(directory)
            .WithEnvironmentVariables(e => e.Set("DOTNET_NOLOGO", "1").Set("NUGET_PACKAGES", TestRunDirectory.PackagesFolder))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
}
