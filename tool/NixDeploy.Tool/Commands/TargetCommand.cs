using System.CommandLine;
using System.Text.Json;
using NixDeploy.Cache;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Live;
using NixDeploy.Manifest;
using NixDeploy.Nix;
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
        var mode = ToolOptions.Mode();
        var verbose = ToolOptions.Verbose();
        var retryFailed = ToolOptions.RetryFailed();
        var binaryLog = ToolOptions.BinaryLog();
        var buildOn = ToolOptions.BuildOn();
        var waves = ToolOptions.Waves();
        var maxFailures = ToolOptions.MaxFailures();
        var rollbackWave = ToolOptions.RollbackWave();
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
            command.Add(retryFailed);
            command.Add(waves);
            command.Add(maxFailures);
            command.Add(rollbackWave);
            server.AddTo(command);
            command.Add(mode);
            command.Add(verbose);
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
            var retrying = parse.GetValue(retryFailed);
            if (retrying)
                properties["NixDeployRetryFailed"] = "true";
            if (parse.GetValue(buildOn) is { } location)
                properties["NixDeployBuildOn"] = location;
            if (parse.GetValue(confirmTimeout) is { } seconds)
                properties["NixDeployConfirmTimeout"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // The control plane deploys; the build posts deployment.json there and writes the rollout's report.
            if (target == "Deploy" && server.Server(parse) is not null)
                foreach (var (property, value) in server.DeployProperties(parse))
                    properties[property] = value;
            // As typed: the build parses them (ND5042, ND5044), and MSBuild's escapes keep ',' and ';' in one value.
            if (parse.GetValue(waves) is { Length: > 0 } waveList)
                properties["NixDeployWaves"] = waveList;
            if (parse.GetValue(maxFailures) is { Length: > 0 } budget)
                properties["NixDeployMaxFailures"] = budget;
            if (parse.GetValue(rollbackWave))
                properties["NixDeployRollbackWave"] = "true";
            if (parse.GetValue(mode) is { } deployMode)
                properties["NixDeployDeployMode"] = deployMode;
            // The settings this run deploys with: the project's, and the flags over them.
            var deploy = settings.Deploy with
            {
                DryRun = settings.Deploy.DryRun || (deploys && parse.GetValue(dryRun)),
                Mode = parse.GetValue(mode) is { } given ? DeployModes.Parse(given, SettingLayers.File(fleet.Path)) : settings.Deploy.Mode,
            };

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
            var reportFile = deploys && deploy.ChangesNothing ? settings.DryRunReportFile : settings.ReportFile;
            // Only this run's report: an earlier one (or another run's) stays what it was, whatever its file time.
            var report = target == "Deploy" ? DeployReport.Json.ReadOfRun(reportFile, outcome.RunId) : null;
            if (outcome.Cancelled)
                return Cancelled(console, report, reportFile);
            if (report is not null)
                return Finish(console, outcome, report, reportFile, parse.GetValue(verbose));
            cancellationToken.ThrowIfCancellationRequested();
            if (!outcome.Succeeded)
                return CommandHandler.Fail(console, Errors(outcome, fleet));
            // The build deployed nothing and wrote no report: the last one has nothing to retry.
            if (retrying)
            {
                console.Line($"Nothing to retry: every machine in {reportFile} reached its desired state; nothing was deployed.");
                return ExitCodes.Success;
            }

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
        console.Line($"{console.FileText(path)}: {manifest.Closures.Count} closure(s){(manifest.Changed ? ", changed since the previous deployment" : "")}");
        foreach (var (machine, closure) in manifest.Closures)
            console.Line($"  {machine}: {console.StorePathText(closure)} ({manifest.Changes.GetValueOrDefault(machine).ToString().ToLowerInvariant()})");
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
                console.Line($"cache {cache} would upload {path.Path} ({ByteCount.Text(path.NarSize)})");
        }
    }

    private static int Finish(ToolConsole console, TargetOutcome outcome, DeployReport report, string reportFile, bool verbose)
    {
        foreach (var error in outcome.Diagnostics.Where(d => d.IsError))
            console.WriteDiagnostic(error.ToDiagnostic());
        var statuses = report.Machines.Values.Select(machine => machine.Status).ToList();
        // A pull machine still pending is a warning unless NixDeployRequireAll made the build fail.
        var exitCode = outcome.Succeeded && statuses.All(status => status.ReachedDesiredState() || status == MachineStatus.Pending) ? ExitCodes.Success
            : statuses.Any(status => status is MachineStatus.Failed or MachineStatus.Unreachable or MachineStatus.Skipped) ? ExitCodes.Failed
            : statuses.Contains(MachineStatus.RolledBack) ? ExitCodes.RolledBack
            : ExitCodes.Failed;
        if (console.Json)
        {
            console.Out.WriteLine(File.ReadAllText(reportFile).TrimEnd());
            return exitCode;
        }
        if (verbose && !console.Json)
            PrintLogs(console, report);
        foreach (var (machine, said) in report.Machines.Where(pair => pair.Value.DryActivation is { Length: > 0 }).Select(pair => (pair.Key, pair.Value.DryActivation!)))
        {
            console.Line($"{machine}: activating {report.Machines[machine].NewClosure} would:");
            foreach (var line in said.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                console.Line($"  {line}");
        }
        var waiting = report.Machines.Where(pair => pair.Value.Status == MachineStatus.PendingReboot).Select(pair => pair.Key).ToList();
        if (waiting.Count > 0)
            console.Line($"Nothing was activated (mode boot): reboot {string.Join(", ", waiting)} to run the new system.");
        if (report.Waves is { Count: > 1 } waves)
            foreach (var wave in waves)
                console.Line($"wave {wave.Number} ({wave.Spec}): {Counts(wave.Machines.Select(machine => report.Machines[machine].Status))}"
                    + wave.Outcome switch
                    {
                        "over-budget" => $"; {wave.Failures} failed, more than the {wave.AllowedFailures} allowed: no further wave started",
                        "rolled-back" => $"; {wave.Failures} failed, more than the {wave.AllowedFailures} allowed: its deployed machines were rolled back, no further wave started",
                        "not-started" => "; not started",
                        _ => "",
                    });
        var counts = Counts(statuses);
        console.Line($"{(report.DryRun ? "Dry run" : "Deploy")}: {report.Machines.Count} machine(s): {counts} in {RunClock.Seconds(console.Clock.Elapsed)} (report: {console.FileText(reportFile)})");
        return exitCode;
    }

    private static string Counts(IEnumerable<MachineStatus> statuses) =>
        string.Join(", ", statuses.GroupBy(status => status).Select(group => $"{group.Count()} {group.Key.ToReportName()}"));

    /// <summary>
    /// Ctrl-C: what the cancelled build's report knows per machine, when the host's watchdog rolls back an activation
    /// that will not be confirmed now, and the command that rolls it back at once; exit 130.
    /// </summary>
    private static int Cancelled(ToolConsole console, DeployReport? report, string reportFile)
    {
        if (report is null)
        {
            console.Error.WriteLine("Cancelled before any machine was deployed: nothing was changed on the hosts.");
            return ExitCodes.Cancelled;
        }
        if (console.Json)
        {
            console.Out.WriteLine(File.ReadAllText(reportFile).TrimEnd());
            return ExitCodes.Cancelled;
        }
        console.Line($"Cancelled. What was done is in {reportFile}:");
        foreach (var (machine, result) in report.Machines)
            console.Line(result.WatchdogDeadline is { } deadline
                ? $"  {machine}: cancelled during activation, unconfirmed: its watchdog rolls it back to {result.PreviousClosure ?? "no system"} at {deadline.ToUniversalTime():HH:mm:ss} UTC"
                : $"  {machine}: {(result.ErrorCode == ErrorCodes.DeployCancelled ? "cancelled" : result.Status.ToReportName())}");
        var pending = report.Machines.Where(pair => pair.Value.WatchdogDeadline is not null).Select(pair => pair.Key).ToList();
        if (pending.Count > 0)
            console.Line($"Roll back now instead of waiting: dotnet nixdeploy rollback {string.Join(' ', pending)}  ('dotnet nixdeploy status' shows each host's watchdog)");
        return ExitCodes.Cancelled;
    }

    /// <summary>Each machine's log from its host, every line prefixed with the machine, as exec prints its output.</summary>
    private static void PrintLogs(ToolConsole console, DeployReport report)
    {
        foreach (var (machine, file) in report.Machines.Where(pair => pair.Value.Log is not null).Select(pair => (pair.Key, pair.Value.Log!)))
        {
            console.Line($"{machine}: {file}");
            foreach (var line in File.Exists(file) ? File.ReadLines(file) : [$"(the log is gone: {file})"])
                console.Line($"{machine} | {line}");
        }
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
