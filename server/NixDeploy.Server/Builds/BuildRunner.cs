using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CliWrap;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;
using NixDeploy.Server.Rollouts;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Builds;

/// <summary>
/// Builds the configured ref of the fleet repository as CI would, one build at a time: fetches it into the server's
/// own work tree, runs <c>dotnet build</c> of the project with every output line in the build's log, and records the
/// commit, the closures of the built deployment.json, or the first ND code of the output. With <c>autoDeploy</c> a
/// successful build's deployment.json goes through the same intake as <c>POST /deployments</c>. On shutdown the running
/// build is stopped and recorded interrupted.
/// </summary>
public sealed partial class BuildRunner(
    BuildConfig? config, IBuildStore store, BuildFolders folders, DeploymentIntake intake, TimeProvider time, ILogger<BuildRunner> logger)
    : IHostedService
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private (string Id, Task Run)? _current;

    /// <summary>Whether <paramref name="id"/> is the build that runs now.</summary>
    public bool IsRunning(string id)
    {
        lock (_gate)
            return _current?.Id == id;
    }

    /// <summary>Starts a build, or answers the id of the one that runs; ND8100 when the config names no repository.</summary>
    public BuildTriggered Trigger()
    {
        if (config is null)
            throw new NixDeployException(ErrorCodes.BuildsNotConfigured,
                "This server has no fleet repository to build: add \"build\": {\"repository\": ..., \"ref\": ..., \"project\": ...} to its --config file and restart it.");
        lock (_gate)
        {
            if (_current is { } running)
                return new BuildTriggered(BuildTriggered.AlreadyRunning, running.Id);
            var startedAt = time.GetUtcNow();
            var id = $"{startedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
            store.AddBuild(id, config.Ref, startedAt);
            _current = (id, Task.Run(() => RunAsync(config, id)));
            return new BuildTriggered(BuildTriggered.Triggered, id);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        Task? run;
        lock (_gate)
            run = _current?.Run;
        if (run is not null)
            await run.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(BuildConfig build, string id)
    {
        var logFile = folders.Log(id);
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        BuildOutcome outcome;
        await using (var log = new BuildLog(logFile))
        {
            try
            {
                outcome = await BuildAsync(build, id, log, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                outcome = new BuildOutcome(BuildStatus.Interrupted, new Dictionary<string, string>(), ErrorCodes.BuildInterrupted,
                    "The server stopped while this build ran; trigger a new build.");
            }
            catch (NixDeployException e)
            {
                outcome = new BuildOutcome(BuildStatus.Failed, new Dictionary<string, string>(), e.Code, e.Diagnostics[0].Message);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Build {Id} failed unexpectedly", id);
                outcome = new BuildOutcome(BuildStatus.Failed, new Dictionary<string, string>(), ErrorCodes.InternalError,
                    $"The build failed unexpectedly ({e.GetType().Name}). This is a bug: the server's log has the details.");
            }
            await log.WriteLineAsync($"nixdeploy: build {Names(outcome.Status)}{(outcome.ErrorCode is null ? "" : $" ({outcome.ErrorCode})")}");
        }
        lock (_gate)
        {
            store.FinishBuild(id, outcome, time.GetUtcNow());
            _current = null;
        }
        logger.LogInformation("Build {Id} ended {Status} {Code}", id, Names(outcome.Status), outcome.ErrorCode);
    }

    private async Task<BuildOutcome> BuildAsync(BuildConfig build, string id, BuildLog log, CancellationToken cancellationToken)
    {
        var work = folders.WorkTree;
        if (!Directory.Exists(Path.Combine(work, ".git")))
            await GitAsync(log, cancellationToken, "init", "--quiet", work);
        await GitAsync(log, cancellationToken, "-C", work, "fetch", "--force", "--no-tags", build.Repository, build.Ref);
        await GitAsync(log, cancellationToken, "-C", work, "checkout", "--force", "--detach", "FETCH_HEAD");
        await GitAsync(log, cancellationToken, "-C", work, "clean", "-ffd");
        var commit = (await GitAsync(log, cancellationToken, "-C", work, "rev-parse", "HEAD")).Trim();
        store.RecordBuildCommit(id, commit);

        var project = Path.Combine(work, build.Project);
        // As CI: the closures, then the push to the caches the fleet declares (none: nothing to push).
        string[] arguments = ["build", project, "-t:Build;PushCache", "-nologo", "-nodeReuse:false"];
        if (build.SigningKeyFile is { } key)
            arguments = [.. arguments, $"-p:{BuildConfig.SigningKeyProperty}={key}"];
        var exitCode = await RunAsync(log, "dotnet", arguments, work, cancellationToken);
        if (exitCode != 0)
        {
            var code = FirstCode(log.Text) ?? ErrorCodes.BuildFailed;
            return new BuildOutcome(BuildStatus.Failed, new Dictionary<string, string>(), code,
                code == ErrorCodes.BuildFailed
                    ? $"dotnet build of {build.Project} at {commit} exited {exitCode} without an ND code: read the build's log."
                    : $"dotnet build of {build.Project} at {commit} failed with {code}: read the build's log.");
        }
        var manifestFile = Path.Combine(Path.GetDirectoryName(project)!, "bin", "nixdeploy", "deployment.json");
        var body = await File.ReadAllBytesAsync(manifestFile, cancellationToken);
        var document = DeploymentDocument.Parse(body);
        var closures = document.Manifest.Closures
            .Where(pair => pair.Value is not null)
            .ToDictionary(pair => pair.Key, pair => pair.Value!, StringComparer.Ordinal);
        var deployment = build.AutoDeploy ? intake.Accept(body).Id : null;
        if (deployment is not null)
            await log.WriteLineAsync($"nixdeploy: deployment {deployment} created from this build");
        return new BuildOutcome(BuildStatus.Success, closures, null, null, deployment);
    }

    private async Task<string> GitAsync(BuildLog log, CancellationToken cancellationToken, params string[] arguments)
    {
        var output = new StringBuilder();
        var exitCode = await RunAsync(log, "git", arguments, null, cancellationToken, output);
        return exitCode == 0
            ? output.ToString()
            : throw new NixDeployException(ErrorCodes.BuildFetchFailed,
                $"git {arguments.SkipWhile(a => a is "-C" || a.StartsWith('/')).FirstOrDefault()} exited {exitCode} while fetching the fleet repository: check build.repository and build.ref in the server's config, and the build's log.");
    }

    /// <summary>Runs a command with its stdout and stderr line by line into the build's log (and <paramref name="stdout"/>).</summary>
    private static async Task<int> RunAsync(BuildLog log, string program, IReadOnlyList<string> arguments, string? directory,
        CancellationToken cancellationToken, StringBuilder? stdout = null)
    {
        await log.WriteLineAsync($"$ {program} {string.Join(' ', arguments)}");
        var command = Cli.Wrap(program).WithArguments(arguments).WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(PipeSource.Null)
            .WithStandardOutputPipe(stdout is null ? PipeTarget.ToDelegate(log.WriteLineAsync) : PipeTarget.Merge(PipeTarget.ToDelegate(log.WriteLineAsync), PipeTarget.ToStringBuilder(stdout)))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(log.WriteLineAsync))
            .WithEnvironmentVariables(e => e.Set("DOTNET_NOLOGO", "1").Set("DOTNET_CLI_TELEMETRY_OPTOUT", "1"));
        if (directory is not null)
            command = command.WithWorkingDirectory(directory);
        return (await command.ExecuteAsync(cancellationToken)).ExitCode;
    }

    /// <summary>The first MSBuild error's ND code (a warning's code before it does not fail the build), else the first ND code.</summary>
    private static string? FirstCode(string output) =>
        ErrorCode().Match(output) is { Success: true } error ? error.Groups["code"].Value
        : NdCode().Match(output) is { Success: true } any ? any.Value
        : null;

    private static string Names(BuildStatus status) => status.ToString().ToLowerInvariant();

    [GeneratedRegex(@"\bND\d{4}\b")]
    private static partial Regex NdCode();

    [GeneratedRegex(@"\berror (?<code>ND\d{4})\b")]
    private static partial Regex ErrorCode();
}
