using System.CommandLine;
using System.Text.Json;
using NixDeploy.Cache;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Live;
using NixDeploy.Manifest;
using NixDeploy.Progress;
using NixDeploy.Tool.Cli;
using NixDeploy.Tool.Fleet;
using NixDeploy.Tool.Json;
using NixDeploy.Tool.Output;

namespace NixDeploy.Tool.Commands;

/// <summary><c>eval</c>, <c>build</c>, <c>push</c> and <c>deploy</c>: each runs its SDK target on the fleet and shows it live.</summary>
public static class TargetCommand
{
    public static Command Create(string name, string target, string description, bool deploys)
    {
        var project = ToolOptions.Project();
        var json = ToolOptions.Json();
        var on = ToolOptions.On();
        var dryRun = ToolOptions.DryRun();
        var parallel = ToolOptions.Parallel();
        var onFailure = ToolOptions.OnFailure();
        var confirmTimeout = ToolOptions.ConfirmTimeout();
        var binaryLog = ToolOptions.BinaryLog();
        var buildOn = ToolOptions.BuildOn();
        var server = new ServerOptions();
        var command = new Command(name, description) { project, on, json, binaryLog };
        if (deploys)
        {
            command.Add(dryRun);
            command.Add(parallel);
        }
        if (target is "Build" or "Deploy")
            command.Add(buildOn);
        if (target == "Deploy")
        {
            command.Add(onFailure);
            command.Add(confirmTimeout);
            server.AddTo(command);
        }
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(parse.GetValue(json), async console =>
        {
            var fleet = FleetProject.Locate(parse.GetValue(project), Environment.CurrentDirectory);
            var settings = await FleetSettings.ReadAsync(fleet, cancellationToken);
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            if (parse.GetValue(on) is { Length: > 0 } selection)
                properties["NixDeployOn"] = selection;
            if (deploys && parse.GetValue(dryRun))
                properties["NixDeployDryRun"] = "true";
            if (deploys && parse.GetValue(parallel) is { } count)
                properties["NixDeployParallelism"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (parse.GetValue(onFailure) is { } policy)
                properties["NixDeployOnFailure"] = policy;
            if (parse.GetValue(buildOn) is { } location)
                properties["NixDeployBuildOn"] = location;
            if (parse.GetValue(confirmTimeout) is { } seconds)
                properties["NixDeployConfirmTimeout"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // The control plane deploys; the build posts deployment.json there and writes the rollout's report.
            if (target == "Deploy" && server.Server(parse) is not null)
                foreach (var (property, value) in server.DeployProperties(parse))
                    properties[property] = value;

            var machines = new List<string>();
            var outcome = await console.ProgressView().ShowAsync($"dotnet nixdeploy {name} ({Path.GetFileName(fleet.Path)})",
                show => new TargetRun(fleet, target, properties, parse.GetValue(binaryLog)).RunAsync(progress =>
                {
                    lock (machines)
                        if (!machines.Contains(progress.Machine))
                            machines.Add(progress.Machine);
                    show(progress);
                }, cancellationToken));

            foreach (var warning in outcome.Diagnostics.Where(d => !d.IsError))
                console.WriteDiagnostic(warning.ToDiagnostic(), isError: false);
            var reportFile = deploys && (parse.GetValue(dryRun) || settings.Deploy.DryRun) ? settings.DryRunReportFile : settings.ReportFile;
            // Only this run's report: an earlier one (or another run's) stays what it was, whatever its file time.
            var report = target == "Deploy" ? DeployReport.Json.ReadOfRun(reportFile, outcome.RunId) : null;
            if (report is not null)
                return Finish(console, outcome, report, reportFile);
            if (!outcome.Succeeded)
                return CommandHandler.Fail(console, Errors(outcome, fleet));

            if (console.Json)
                console.Out.WriteLine(target == "EvaluateBlueprint"
                    ? JsonSerializer.Serialize(new EvalDocument(machines), ToolJsonContext.Default.EvalDocument)
                    : File.ReadAllText(settings.ManifestFile).TrimEnd());
            else if (target == "EvaluateBlueprint")
                console.Line($"Evaluated {machines.Count} machine(s): {string.Join(", ", machines)}");
            else
            {
                Summarize(console, ManifestFile.ReadBuilt(settings.ManifestFile), settings.ManifestFile);
                if (target == "PushCache")
                    SummarizePush(console, settings.PushReportFile, outcome);
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Summarize(ToolConsole console, Manifest.DeploymentManifest manifest, string path)
    {
        console.Line($"{path}: {manifest.Closures.Count} closure(s){(manifest.Changed ? ", changed since the previous deployment" : "")}");
        foreach (var (machine, closure) in manifest.Closures)
            console.Line($"  {machine}: {closure} ({manifest.Changes.GetValueOrDefault(machine).ToString().ToLowerInvariant()})");
    }

    /// <summary>Each cache's outcome from this run's push-report.json; none when MSBuild skipped the push as up to date.</summary>
    private static void SummarizePush(ToolConsole console, string reportFile, TargetOutcome outcome)
    {
        var report = PushReport.Json.ReadOfRun(reportFile, outcome.RunId);
        if (report is null || report.Caches.Count == 0)
            console.Line("Nothing uploaded: the caches already hold these closures (or the fleet has no NixDeployCache).");
        foreach (var cache in report?.Caches ?? [])
        {
            console.Line($"cache {cache}: {cache.Summary}");
            foreach (var path in cache.WouldUpload)
                console.Line($"cache {cache} would upload {path.Path} ({CachePushResult.Bytes(path.NarSize)})");
        }
    }

    private static int Finish(ToolConsole console, TargetOutcome outcome, DeployReport report, string reportFile)
    {
        foreach (var error in outcome.Diagnostics.Where(d => d.IsError))
            console.WriteDiagnostic(error.ToDiagnostic());
        var statuses = report.Machines.Values.Select(machine => machine.Status).ToList();
        var exitCode = outcome.Succeeded && statuses.All(status => status.ReachedDesiredState()) ? ExitCodes.Success
            : statuses.Any(status => status is MachineStatus.Failed or MachineStatus.Unreachable or MachineStatus.Skipped) ? ExitCodes.Failed
            : statuses.Contains(MachineStatus.RolledBack) ? ExitCodes.RolledBack
            : ExitCodes.Failed;
        if (console.Json)
        {
            console.Out.WriteLine(File.ReadAllText(reportFile).TrimEnd());
            return exitCode;
        }
        var counts = string.Join(", ", statuses.GroupBy(status => status).Select(group => $"{group.Count()} {group.Key.ToReportName()}"));
        console.Line($"{(report.DryRun ? "Dry run" : "Deploy")}: {report.Machines.Count} machine(s): {counts} in {report.DurationSeconds:0.0} s (report: {reportFile})");
        return exitCode;
    }

    /// <summary>The build's coded errors, or, when it printed none (it crashed, or MSBuild itself failed), its last lines.</summary>
    private static IReadOnlyList<Diagnostic> Errors(TargetOutcome outcome, FleetProject fleet)
    {
        var errors = outcome.Diagnostics.Where(d => d.IsError).Select(d => d.ToDiagnostic()).ToList();
        return errors.Count > 0
            ? errors
            : [new Diagnostic(ErrorCodes.TargetFailed,
                $"dotnet build exited {outcome.ExitCode} without an error message. Its last lines:{Environment.NewLine}{string.Join(Environment.NewLine, outcome.Output.TakeLast(15))}", fleet.Path)];
    }
}
