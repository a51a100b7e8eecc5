using System.Text;
using CliWrap;

namespace NixDeploy.Tests.Infrastructure;

/// <summary>
/// Runs <c>dotnet build|clean|restore|msbuild PROJECT</c> as a separate process, the way a user does, and returns a
/// <see cref="BuildResult"/>. Arguments go as a list, never through a shell. Every run also writes a detailed file
/// log (the source of <see cref="BuildResult.TargetRan"/>) and, on request, a binary log into the log directory.
/// </summary>
public sealed class DotnetBuild
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);
    private static int _lastRunNumber;

    private readonly string _projectFile;
    private readonly string _logDirectory;
    private readonly List<string> _targets = [];
    private readonly List<string> _properties = [];
    private readonly List<string> _extraArguments = [];
    private readonly Dictionary<string, string?> _environment = new()
    {
        // Log checks read MSBuild's English messages.
        ["DOTNET_CLI_UI_LANGUAGE"] = "en",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        // The test run's private packages folder: the SDK resolver must restore the freshly packed NixDeploy.Sdk.
        ["NUGET_PACKAGES"] = TestRunDirectory.PackagesFolder,
        // Leaked into the test host by the MSBuild that `dotnet test` runs: they point at that SDK's MSBuild, and the
        // child dotnet, which may pick another SDK through the project's global.json, must find its own.
        ["MSBuildExtensionsPath"] = null,
        ["MSBuildSDKsPath"] = null,
        ["MSBuildLoadMicrosoftTargetsReadOnly"] = null,
        ["_MSBUILDTLENABLED"] = null,
    };

    // Mounts a test folder over a path of the real machine for this build alone; "$@" is the dotnet command.
    private const string BindMountScript = "mkdir -p \"$2\" && mount --bind \"$1\" \"$2\" && shift 2 && exec \"$@\"";

    private (string Source, string Target)? _bindMount;
    private string _verbosity = "n";
    private bool _writeBinaryLog;
    private Action<string>? _onOutputLine;
    private TimeSpan _timeout = DefaultTimeout;

    public DotnetBuild(string projectFile, string logDirectory)
    {
        _projectFile = projectFile;
        _logDirectory = logDirectory;
    }

    public DotnetBuild WithTargets(params string[] targets)
    {
        _targets.AddRange(targets);
        return this;
    }

    /// <summary>A global property, passed literally: MSBuild would split the value at ; and , and unescape %XX.</summary>
    public DotnetBuild WithProperty(string name, string value)
    {
        var escaped = value.Replace("%", "%25").Replace(";", "%3B").Replace(",", "%2C");
        _properties.Add($"-p:{name}={escaped}");
        return this;
    }

    /// <summary>q, m, n (the default), d or diag.</summary>
    public DotnetBuild WithVerbosity(string verbosity)
    {
        _verbosity = verbosity;
        return this;
    }

    public DotnetBuild WithBinaryLog()
    {
        _writeBinaryLog = true;
        return this;
    }

    /// <summary>Sets a variable for the child process; null removes an inherited one.</summary>
    public DotnetBuild WithEnvironment(string name, string? value)
    {
        _environment[name] = value;
        return this;
    }

    public DotnetBuild WithEnvironment(IReadOnlyDictionary<string, string> variables)
    {
        foreach (var (name, value) in variables)
        {
            _environment[name] = value;
        }

        return this;
    }

    /// <summary>Any other argument, passed as one list item.</summary>
    public DotnetBuild WithArgument(string argument)
    {
        _extraArguments.Add(argument);
        return this;
    }

    /// <summary>
    /// Runs the build in a private mount namespace (as root) where <paramref name="source"/> is mounted over
    /// <paramref name="target"/>: a file of the real machine that only this build sees otherwise, such as the user's
    /// ~/.ssh, which ssh finds through the password database and not through $HOME. Creates an absent target.
    /// </summary>
    public DotnetBuild WithBindMount(string source, string target)
    {
        _bindMount = (source, target);
        return this;
    }

    /// <summary>Sees each line of standard output as it is printed, e.g. to act when a build reaches a point.</summary>
    public DotnetBuild WithOutputObserver(Action<string> onLine)
    {
        _onOutputLine = onLine;
        return this;
    }

    public DotnetBuild WithTimeout(TimeSpan timeout)
    {
        _timeout = timeout;
        return this;
    }

    public Task<BuildResult> BuildAsync() => RunAsync("build");

    public Task<BuildResult> CleanAsync() => RunAsync("clean");

    public Task<BuildResult> RestoreAsync() => RunAsync("restore");

    public Task<BuildResult> MsbuildAsync() => RunAsync("msbuild");

    private async Task<BuildResult> RunAsync(string verb)
    {
        Directory.CreateDirectory(_logDirectory);
        var logPrefix = Path.Combine(_logDirectory, $"{Interlocked.Increment(ref _lastRunNumber):D3}-{verb}");
        var detailedLogPath = logPrefix + ".log";
        var binaryLogPath = _writeBinaryLog ? logPrefix + ".binlog" : null;
        var arguments = Arguments(verb, detailedLogPath, binaryLogPath);
        var commandLine = "dotnet " + string.Join(' ', arguments);

        var standardOutput = new StringBuilder();
        var standardError = new StringBuilder();
        using var timeout = new CancellationTokenSource(_timeout);
        CommandResult result;
        try
        {
            // The working directory decides which global.json (and so which .NET SDK) the dotnet host picks.
            var command = _bindMount is var (source, target)
                ? Cli.Wrap("unshare").WithArguments(["--mount", "--propagation", "private", "sh", "-c", BindMountScript, "sh", source, target, "dotnet", .. arguments])
                : Cli.Wrap("dotnet").WithArguments(arguments);
            result = await command
                .WithWorkingDirectory(Path.GetDirectoryName(Path.GetFullPath(_projectFile))!)
                .WithEnvironmentVariables(_environment)
                .WithStandardOutputPipe(_onOutputLine is null
                    ? PipeTarget.ToStringBuilder(standardOutput)
                    : PipeTarget.Merge(PipeTarget.ToStringBuilder(standardOutput), PipeTarget.ToDelegate(_onOutputLine)))
                .WithStandardErrorPipe(PipeTarget.ToStringBuilder(standardError))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"`{commandLine}` did not finish within {_timeout} and was killed.\n--- output so far ---\n{standardOutput}\n{standardError}");
        }

        var detailedLog = File.Exists(detailedLogPath) ? await File.ReadAllTextAsync(detailedLogPath) : "";
        return new BuildResult(commandLine, result.ExitCode, standardOutput.ToString(), standardError.ToString(), detailedLog, binaryLogPath);
    }

    private List<string> Arguments(string verb, string detailedLogPath, string? binaryLogPath)
    {
        List<string> arguments =
        [
            verb,
            _projectFile,
            "-nologo",
            "-nodeReuse:false",
            // The terminal logger rewrites its output in place; tests read the classic console log.
            "-tl:off",
            $"-v:{_verbosity}",
            $"-flp:LogFile={detailedLogPath};Verbosity=detailed",
        ];
        if (_targets.Count > 0)
        {
            arguments.Add($"-t:{string.Join(';', _targets)}");
        }

        arguments.AddRange(_properties);
        if (binaryLogPath is not null)
        {
            arguments.Add($"-bl:{binaryLogPath}");
        }

        arguments.AddRange(_extraArguments);
        return arguments;
    }
}
