using System.ComponentModel;
using System.Text;
using CliWrap;
using NixDeploy.Diagnostics;

namespace NixDeploy.Tool.Fleet;

/// <summary>Runs the <c>dotnet</c> CLI on a fleet project as an argument list, streaming its output lines.</summary>
public static class DotnetCli
{
    /// <summary>How long a cancelled build may take to stop by itself (its tasks cancel their Nix and SSH commands and
    /// write their reports) before it is killed.</summary>
    public static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The build's exit code. Cancelled (Ctrl-C), the build is asked to stop, waited for up to <see cref="GracefulStop"/>,
    /// then killed; the exit code is then <see cref="Cli.ExitCodes.Cancelled"/>, and what the build wrote is there to read.
    /// </summary>
    public static async Task<int> RunAsync(FleetProject project, IReadOnlyList<string> arguments, Action<string> onLine, CancellationToken cancellationToken)
    {
        // Not linked to the command's token: that one only asks the build to stop; this one kills it, later.
        using var forceful = new CancellationTokenSource();
        await using var escalate = cancellationToken.Register(() => forceful.CancelAfter(GracefulStop));
        try
        {
            var result = await CliWrap.Cli.Wrap(DotnetExecutable)
                .WithArguments(arguments)
                // The project's folder decides which global.json (so which SDK versions) apply.
                .WithWorkingDirectory(project.Directory)
                .WithEnvironmentVariables(new Dictionary<string, string?>
                {
                    ["DOTNET_NOLOGO"] = "1",
                    ["DOTNET_CLI_UI_LANGUAGE"] = "en",
                    // Keep the child's own terminal logger and colours out of the output this tool parses.
                    ["MSBUILDTERMINALLOGGER"] = "off",
                })
                .WithStandardOutputPipe(PipeTarget.ToDelegate(onLine, Encoding.UTF8))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(onLine, Encoding.UTF8))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(forceful.Token, cancellationToken);
            return result.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Cli.ExitCodes.Cancelled;
        }
        catch (Win32Exception)
        {
            throw new NixDeployException(ErrorCodes.DotnetMissing,
                $"'{DotnetExecutable}' could not be started: install the .NET SDK (https://dot.net) or put dotnet on PATH.");
        }
    }

    /// <summary>The dotnet that runs this tool (DOTNET_HOST_PATH), so builds use the same installation.</summary>
    private static string DotnetExecutable =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>A global property's value for -p:, passed literally: MSBuild splits at ';' and ',' and unescapes %XX.</summary>
    public static string Property(string name, string value) =>
        $"-p:{name}={value.Replace("%", "%25").Replace(";", "%3B").Replace(",", "%2C")}";
}
