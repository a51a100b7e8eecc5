using System.CommandLine;
using System.Text.Json;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Live;
using NixDeploy.Manifest;
using NixDeploy.Nix;
using NixDeploy.Processes;
using NixDeploy.Tool.Cli;
using NixDeploy.Tool.Fleet;
using NixDeploy.Tool.Json;
using NixDeploy.Tool.Output;

namespace NixDeploy.Tool.Commands;

/// <summary><c>plan</c>: builds the fleet, then per machine compares the live closure with the desired one, package by package.</summary>
public static class PlanCommand
{
    public static Command Create()
    {
        var project = ToolOptions.Project();
        var json = ToolOptions.Json();
        var on = ToolOptions.On();
        var waves = ToolOptions.Waves();
        var exitCode = new Option<bool>("--exit-code") { Description = "Exit 4 when a machine would change (0: nothing to deploy), as terraform plan -detailed-exitcode" };
        var command = new Command("plan", "Build, then show per machine what a deploy would change: live vs desired closure and the package differences")
        {
            project, on, json, waves, exitCode,
        };
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(parse.GetValue(json), async console =>
        {
            var fleet = FleetProject.Locate(parse.GetValue(project), Environment.CurrentDirectory);
            var settings = await FleetSettings.ReadAsync(fleet, cancellationToken);
            var selection = parse.GetValue(on);
            var properties = selection is { Length: > 0 } ? new Dictionary<string, string> { ["NixDeployOn"] = selection } : new Dictionary<string, string>();
            var outcome = await console.ProgressView().ShowAsync($"dotnet nixdeploy plan ({Path.GetFileName(fleet.Path)})",
                show => new TargetRun(fleet, "Build", properties).RunAsync(show, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            if (!outcome.Succeeded)
                return CommandHandler.Fail(console, outcome.Diagnostics.Where(d => d.IsError).Select(d => d.ToDiagnostic())
                    .DefaultIfEmpty(new Diagnostic(ErrorCodes.TargetFailed, $"dotnet build exited {outcome.ExitCode}.", fleet.Path)).ToList());

            var manifest = ManifestFile.ReadBuilt(settings.ManifestFile);
            var hosts = LiveFleet.Hosts(manifest, settings, LiveFleet.Select(manifest, selection).Where(manifest.Closures.ContainsKey).ToList());
            var diff = new ClosureDiff(new NixCli(new ProcessRunner(NullCommandLog.Instance), NixOptions.Default));
            var rows = await LiveFleet.ForEachAsync(hosts, settings.Deploy.Parallelism, async host =>
            {
                var state = await host.ReadAsync(cancellationToken);
                var row = await PlanAsync(host, state);
                return row with { Workloads = await WorkloadRows.ReadAsync(host, manifest, state, health: false, cancellationToken) };
            });
            async Task<MachinePlanDocument> PlanAsync(LiveHost host, LiveState state)
            {
                var desired = manifest.Closures[host.Machine];
                if (!state.Reachable || state.Error is not null)
                    return new MachinePlanDocument(host.Machine, "unknown", null, desired, null, state.ErrorCode, state.Error);
                if (state.Closure == desired)
                    return new MachinePlanDocument(host.Machine, "unchanged", state.Closure, desired, [], null, null);
                if (state.Closure is null)
                    return new MachinePlanDocument(host.Machine, "install", null, desired, null, null, null);
                var changes = await diff.DiffAsync(state.Closure, desired, cancellationToken);
                var contents = changes is { Count: 0 } ? await diff.ChangedContentsAsync(state.Closure, desired, cancellationToken) : null;
                return new MachinePlanDocument(host.Machine, "change", state.Closure, desired, changes, null,
                    changes is null ? $"{state.Closure} is not in this machine's Nix store, so its packages cannot be compared." : null, contents);
            }
            var deployWaves = DeployWave.Assign(
                parse.GetValue(waves) is { Length: > 0 } given ? WaveSpec.ParseList(given, SettingLayers.File(fleet.Path)) : settings.Deploy.Waves,
                rows.Select(row => row.Machine), manifest.Blueprint, SettingLayers.File(fleet.Path));
            var waveOf = deployWaves.SelectMany(wave => wave.Machines.Select(machine => (machine, wave.Number))).ToDictionary();
            rows = rows.Select(row => row with { Wave = waveOf[row.Machine] }).ToList();
            Print(console, rows);
            if (!console.Json && deployWaves.Count > 1)
                PrintWaves(console, deployWaves, settings.Deploy.MaxFailures);
            if (rows.Any(row => row.Action == "unknown"))
                return ExitCodes.Failed;
            return parse.GetValue(exitCode) && rows.Any(row => row.Action != "unchanged" || row.Workloads?.Any(workload => workload.Action != "unchanged") == true)
                ? ExitCodes.ChangesPending : ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The order a deploy would take, wave by wave, each starting only when the one before stayed within the budget.</summary>
    private static void PrintWaves(ToolConsole console, IReadOnlyList<DeployWave> waves, FailureBudget budget)
    {
        console.Out.WriteLine($"Waves (each starts when the one before failed at most {budget.Text} of its machines):");
        foreach (var wave in waves)
            console.Out.WriteLine($"  wave {wave.Number} ({wave.Spec}): {string.Join(", ", wave.Machines)}");
    }

    private static void Print(ToolConsole console, IReadOnlyList<MachinePlanDocument> rows)
    {
        if (console.Json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(rows, ToolJsonContext.Default.IReadOnlyListMachinePlanDocument));
            return;
        }
        foreach (var row in rows)
        {
            if (row.Action == "unknown")
            {
                console.WriteDiagnostic(new Diagnostic(row.ErrorCode!, row.Error!));
                continue;
            }
            console.Out.WriteLine(row.Action switch
            {
                "unchanged" => $"{row.Machine}: unchanged ({console.StorePathText(row.DesiredClosure)})",
                "install" => $"{row.Machine}: install {console.StorePathText(row.DesiredClosure)} (no live system)",
                _ => $"{row.Machine}: {console.StorePathText(row.LiveClosure!)} -> {console.StorePathText(row.DesiredClosure)}",
            });
            if (row.Action == "change")
            {
                var lines = row.PackageChanges is null ? [row.Error!]
                    : row.PackageChanges.Count == 0 ? [$"(no package-level difference; changed contents: {string.Join(", ", row.ChangedContents ?? [])})"]
                    : row.PackageChanges.Select(PackageChange.Describe).ToList();
                foreach (var line in lines)
                    console.Out.WriteLine($"    {line}");
            }
            WorkloadRows.Print(console, row.Machine, row.Workloads);
        }
    }
}
