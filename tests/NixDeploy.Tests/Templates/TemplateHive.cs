using CliWrap;
using CliWrap.Buffered;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Templates;

/// <summary>
/// NixDeploy.Templates from the local feed, installed once per run into a private template hive
/// (<c>--debug:custom-hive</c>), so the machine's own templates are never touched; <see cref="NewAsync"/> is
/// <c>dotnet new</c> against it.
/// </summary>
public static class TemplateHive
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _hive;

    public static string PackagePath => Path.Combine(SdkFeed.Current.Directory, $"NixDeploy.Templates.{SdkFeed.Current.Version}.nupkg");

    public static async Task<BufferedCommandResult> NewAsync(string directory, params string[] arguments)
    {
        var hive = await HiveAsync();
        Directory.CreateDirectory(directory);
        return await Dotnet(["new", .. arguments, "--debug:custom-hive", hive], directory);
    }

    private static async Task<string> HiveAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_hive is not null)
                return _hive;
            var hive = Path.Combine(TestRunDirectory.Root, "template-hive");
            var install = await Dotnet(["new", "install", PackagePath, "--debug:custom-hive", hive], TestRunDirectory.Root);
            if (install.ExitCode != 0)
                throw new InvalidOperationException($"dotnet new install {PackagePath} failed:\n{install.StandardOutput}\n{install.StandardError}");
            return _hive = hive;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static Task<BufferedCommandResult> Dotnet(IReadOnlyList<string> arguments, string directory) =>
        Cli.Wrap("dotnet").WithArguments(arguments).WithWorkingDirectory(directory)
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
}
