using System.Text;
using CliWrap;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Tool;

/// <summary>What one run of <c>dotnet-nixdeploy</c> printed and how it exited.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string All => StandardOutput + StandardError;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}

/// <summary>
/// NixDeploy.Tool installed from the local feed the way a user installs it (<c>dotnet tool install --tool-path</c>,
/// the run's private NuGet packages folder), once per test run, and run as a separate process: redirected, or in a
/// pseudo-terminal through script(1).
/// </summary>
public static class InstalledTool
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _path;

    public static IReadOnlyDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>
    {
        ["NUGET_PACKAGES"] = TestRunDirectory.PackagesFolder,
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["NIX_CONFIG"] = NixEnvironment.NixConfig,
        ["TERM"] = "xterm-256color",
        // Leaked into the test host by `dotnet test`; the tool's own dotnet must find its SDK itself.
        ["MSBuildExtensionsPath"] = null,
        ["MSBuildSDKsPath"] = null,
        ["MSBuildLoadMicrosoftTargetsReadOnly"] = null,
        ["_MSBUILDTLENABLED"] = null,
        ["DOTNET_HOST_PATH"] = null,
    };

    public static async Task<string> PathAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_path is not null)
                return _path;
            var toolPath = Path.Combine(TestRunDirectory.Root, "tool");
            var install = await RunProcessAsync("dotnet",
                ["tool", "install", "NixDeploy.Tool", "--version", SdkFeed.Current.Version, "--tool-path", toolPath, "--add-source", SdkFeed.Current.Directory],
                TestRunDirectory.Root);
            if (install.ExitCode != 0)
                throw new InvalidOperationException($"dotnet tool install NixDeploy.Tool failed: {install}");
            return _path = Path.Combine(toolPath, "dotnet-nixdeploy");
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs the tool in <paramref name="directory"/> with its output redirected (not a terminal).</summary>
    public static async Task<ToolResult> RunAsync(string directory, params string[] arguments) =>
        await RunProcessAsync(await PathAsync(), arguments, directory);

    /// <summary>Runs the tool in a pseudo-terminal (script -qec), as in an interactive shell; stdout is what the terminal showed.</summary>
    public static async Task<ToolResult> RunInTerminalAsync(string directory, params string[] arguments)
    {
        var command = await ToolCommandLineAsync(arguments);
        return await RunProcessAsync("script", ["-qec", command, "/dev/null"], directory);
    }

    /// <summary>
    /// Runs the tool in a pseudo-terminal <paramref name="columns"/> wide (stty inside script), and returns what that
    /// terminal shows at the end along with the run's result.
    /// </summary>
    public static async Task<(ToolResult Result, TerminalScreen Screen)> RunOnScreenAsync(string directory, int columns, params string[] arguments)
    {
        var command = await ToolCommandLineAsync(arguments);
        var result = await RunProcessAsync("script", ["-qec", $"stty cols {columns} rows 60 && exec {command}", "/dev/null"], directory);
        return (result, TerminalScreen.Render(result.StandardOutput, columns));
    }

    /// <summary>The installed tool with <paramref name="arguments"/>, quoted for the shell that script(1) starts.</summary>
    private static async Task<string> ToolCommandLineAsync(IEnumerable<string> arguments) =>
        string.Join(' ', new[] { await PathAsync() }.Concat(arguments).Select(word => "'" + word.Replace("'", "'\\''") + "'"));

    /// <summary>
    /// Runs any program with the tool's environment, plus <paramref name="overrides"/> (e.g. a private HOME); it is
    /// stopped after <paramref name="timeout"/> (5 minutes unless given).
    /// </summary>
    public static async Task<ToolResult> RunProcessAsync(string program, IReadOnlyList<string> arguments, string directory,
        IReadOnlyDictionary<string, string?>? overrides = null, TimeSpan? timeout = null)
    {
        var environment = Environment.ToDictionary(pair => pair.Key, pair => pair.Value);
        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
            environment[name] = value;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var stop = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        var result = await Cli.Wrap(program)
            .WithArguments(arguments)
            .WithWorkingDirectory(directory)
            .WithEnvironmentVariables(environment)
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(stop.Token);
        return new ToolResult(result.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
