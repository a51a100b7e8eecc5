using System.Collections.Concurrent;
using NixDeploy.Progress;

namespace NixDeploy.Tool.Fleet;

/// <summary>
/// What one <c>dotnet build -t:TARGET</c> of the fleet ended with. <see cref="RunId"/> is the NixDeployRunId it was
/// given: a report that carries it is this run's.
/// </summary>
public sealed record TargetOutcome(string RunId, int ExitCode, IReadOnlyList<BuildDiagnostic> Diagnostics, IReadOnlyList<string> Output, bool Cancelled = false)
{
    public bool Succeeded => ExitCode == 0 && !Cancelled;
}

/// <summary>
/// Runs one of the SDK's targets on the fleet as a child <c>dotnet build</c>, with the tool's settings as global
/// properties. The tasks append their progress to a file (<c>NixDeployProgressFile</c>) that <paramref name="onProgress"/>
/// receives as it grows. Each run has an id of its own (NixDeployRunId), which the reports it writes carry.
/// </summary>
/// <param name="binaryLog">Where the build also writes an MSBuild binary log (--binlog), or null.</param>
public sealed class TargetRun(FleetProject project, string target, IReadOnlyDictionary<string, string> properties, string? binaryLog = null)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(150);

    public async Task<TargetOutcome> RunAsync(Action<ProgressEvent> onProgress, CancellationToken cancellationToken)
    {
        var progressFile = Path.Combine(Path.GetTempPath(), $"nixdeploy-progress-{Environment.ProcessId}-{Guid.NewGuid():N}.jsonl");
        var runId = Guid.NewGuid().ToString("N");
        var lines = new ConcurrentQueue<string>();
        List<string> arguments =
        [
            "build", project.Path, $"-t:{target}", "-nologo", "-nodeReuse:false", "-tl:off", "-v:m",
            "-clp:NoSummary;ForceNoAlign;DisableConsoleColor",
            DotnetCli.Property("NixDeployProgressFile", progressFile),
            DotnetCli.Property("NixDeployRunId", runId),
            .. properties.Select(pair => DotnetCli.Property(pair.Key, pair.Value)),
            .. binaryLog is null ? Array.Empty<string>() : [$"-bl:{Path.GetFullPath(binaryLog)}"],
        ];
        var reader = new ProgressReader(progressFile);
        try
        {
            var build = DotnetCli.RunAsync(project, arguments, lines.Enqueue, cancellationToken);
            while (!build.IsCompleted)
            {
                await Task.WhenAny(build, Task.Delay(PollInterval, CancellationToken.None));
                foreach (var progress in reader.ReadNew())
                    onProgress(progress);
            }
            var exitCode = await build;
            foreach (var progress in reader.ReadNew())
                onProgress(progress);
            var output = lines.ToList();
            return new TargetOutcome(runId, exitCode, BuildDiagnostics.Parse(string.Join('\n', output)), output, cancellationToken.IsCancellationRequested);
        }
        finally
        {
            File.Delete(progressFile);
        }
    }
}
