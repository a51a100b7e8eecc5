using System.CommandLine;
using System.Text.Json;
using NixDeploy.Deploy;
using NixDeploy.Live;
using NixDeploy.Manifest;
using NixDeploy.Tool.Cli;
using NixDeploy.Tool.Fleet;
using NixDeploy.Tool.Json;
using NixDeploy.Tool.Output;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NixDeploy.Tool.Commands;

/// <summary><c>status</c>: per machine whether it answers, what it runs (closure, generation) and how the last deploy ended.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var project = ToolOptions.Project();
        var json = ToolOptions.Json();
        var on = ToolOptions.On();
        var server = new ServerOptions();
        var command = new Command("status", "Show each machine's live system, generation and last deploy result (exit 0 when all run their desired closure)")
        {
            project, on, json,
        };
        server.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(parse.GetValue(json), async console =>
        {
            FleetProject Fleet() => FleetProject.Locate(parse.GetValue(project), Environment.CurrentDirectory);
            if (server.Server(parse) is not null)
                return Show(console, await FromServerAsync(parse, server, Fleet, parse.GetValue(on), cancellationToken),
                    "has no desired closure at the control plane (no deployment there selected it)");
            var fleet = Fleet();
            var settings = await FleetSettings.ReadAsync(fleet, cancellationToken);
            var manifest = ManifestFile.ReadBuilt(settings.ManifestFile);
            var report = File.Exists(settings.ReportFile) ? DeployReport.Json.Read(settings.ReportFile) : null;
            var selected = LiveFleet.Select(manifest, parse.GetValue(on));
            // Nothing connects to a pull machine: what this machine knows of it is the last deploy's report.
            var hosts = LiveFleet.Hosts(manifest, settings, selected.Where(machine => !manifest.Blueprint[machine].Deployment.IsPull).ToList());
            var states = await LiveFleet.ForEachAsync(hosts, settings.Deploy.Parallelism, async host =>
            {
                var state = await host.ReadAsync(cancellationToken);
                return (State: state, Workloads: await WorkloadRows.ReadAsync(host, manifest, state, health: true, cancellationToken));
            });
            var live = hosts.Select(host => host.Machine).Zip(states).ToDictionary(pair => pair.First, pair => pair.Second, StringComparer.Ordinal);

            var rows = selected.Select(machine =>
            {
                var desired = manifest.Closures.GetValueOrDefault(machine);
                var address = manifest.Blueprint[machine].Deployment.Addr;
                if (!live.TryGetValue(machine, out var found))
                    return PullRow(machine, address, desired, report?.Machines.GetValueOrDefault(machine));
                var state = found.State;
                return new MachineStatusDocument(machine, address, state.Reachable, state.Closure,
                    state.Generation, desired, desired is not null && state.Closure == desired && !state.Unconfirmed,
                    report?.Machines.GetValueOrDefault(machine)?.Status.ToReportName(), state.ErrorCode, state.Error,
                    state.Watchdog?.ToString(), state.Watchdog?.Deadline, found.Workloads);
            }).ToList();
            return Show(console, rows, $"has no closure in deployment.json (the last build did not select it: {manifest.SelectedMachines.Count} machine(s) built)");
        }));
        return command;
    }

    /// <summary>
    /// A pull machine as the last deploy's report has it: at its desired closure when its agent applied that closure,
    /// else <c>pending</c>.
    /// </summary>
    private static MachineStatusDocument PullRow(string machine, string address, string? desired, MachineReport? reported)
    {
        var applied = desired is not null && reported is { } report && report.Status.ReachedDesiredState() && report.NewClosure == desired;
        return new MachineStatusDocument(machine, address, applied, applied ? desired : null, null, desired, applied,
            applied ? reported!.Status.ToReportName() : MachineStatus.Pending.ToReportName(), null, null);
    }

    /// <summary>The control plane's view of the machines (all, or those --on selects in the built deployment.json).</summary>
    private static async Task<IReadOnlyList<MachineStatusDocument>> FromServerAsync(ParseResult parse, ServerOptions server, Func<FleetProject> fleet,
        string? selection, CancellationToken cancellationToken)
    {
        using var client = await server.ConnectAsync(parse, fleet, cancellationToken);
        var machines = await client.GetMachinesAsync(cancellationToken);
        var selected = selection is { Length: > 0 }
            ? LiveFleet.Select(ManifestFile.ReadBuilt((await FleetSettings.ReadAsync(fleet(), cancellationToken)).ManifestFile), selection).ToHashSet(StringComparer.Ordinal)
            : null;
        // The server has reached a machine when it has seen it; it keeps no generation numbers.
        return machines.Where(machine => selected?.Contains(machine.Name) ?? true).OrderBy(machine => machine.Name, StringComparer.Ordinal)
            .Select(machine => new MachineStatusDocument(machine.Name, machine.Address, machine.LastSeen is not null, machine.LiveClosure, null,
                machine.DesiredClosure, machine.DesiredClosure is not null && machine.LiveClosure == machine.DesiredClosure, machine.LastResult, null, null))
            .ToList();
    }

    /// <param name="unselected">Why a machine has no desired closure, after its name.</param>
    private static int Show(ToolConsole console, IReadOnlyList<MachineStatusDocument> rows, string unselected)
    {
        Print(console, rows);
        console.Line(Verdict(rows, unselected));
        return rows.All(row => row.AtDesiredClosure) ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>Why the exit code is what it is, naming the machines that decide it.</summary>
    private static string Verdict(IReadOnlyList<MachineStatusDocument> rows, string unselected)
    {
        var off = rows.Where(row => !row.AtDesiredClosure).ToList();
        if (off.Count == 0)
            return $"exit 0: all {rows.Count} machine(s) run their desired closure.";
        var reasons = off.Select(row => row switch
        {
            { LastDeployStatus: "pending" } => $"{row.Machine} is pending: its agent has not applied its desired closure yet",
            { Reachable: false } => $"{row.Machine} cannot be reached",
            { DesiredClosure: null } => $"{row.Machine} {unselected}",
            { Watchdog: { } watchdog } when row.LiveClosure == row.DesiredClosure =>
                $"{row.Machine} runs its desired closure, but that deploy was never confirmed ({watchdog}; 'dotnet nixdeploy rollback {row.Machine}' rolls back now)",
            { LiveClosure: null } => $"{row.Machine} runs no system yet",
            { Watchdog: { } watchdog } => $"{row.Machine} runs another closure than its desired one ({watchdog})",
            _ => $"{row.Machine} runs another closure than its desired one",
        });
        return $"exit 1: {string.Join("; ", reasons)}.";
    }

    private static void Print(ToolConsole console, IReadOnlyList<MachineStatusDocument> rows)
    {
        if (console.Json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(rows, ToolJsonContext.Default.IReadOnlyListMachineStatusDocument));
            return;
        }
        foreach (var row in rows.Where(row => row.Error is not null))
            console.WriteDiagnostic(new Diagnostics.Diagnostic(row.ErrorCode!, row.Error!));
        if (console.Interactive)
        {
            // Short store paths, and only the live system gives way (cut with "…") when the terminal is narrow: no cell wraps.
            // The watchdog column only when a host has a deploy that was never confirmed, so it takes no width otherwise.
            var watchdogs = rows.Any(row => row.Watchdog is not null);
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var header in new[] { "machine", "address", "live system", "gen", "desired", "last deploy" }.Concat(watchdogs ? ["watchdog"] : []))
                table.AddColumn(header == "live system" ? new TableColumn(header) : new TableColumn(header).NoWrap());
            foreach (var row in rows)
                table.AddRow(new IRenderable[]
                {
                    new Markup(Markup.Escape(row.Machine)), new Markup(Markup.Escape(row.Address)),
                    new Markup(!row.Reachable ? (row.LastDeployStatus == "pending" ? "[yellow]pending[/]" : "[red]unreachable[/]") : Markup.Escape(row.LiveClosure is null ? "none" : console.StorePathText(row.LiveClosure))).Overflow(Overflow.Ellipsis),
                    new Markup(row.Generation?.ToString() ?? "-"), new Markup(row.AtDesiredClosure ? "[green]yes[/]" : "[yellow]no[/]"), new Markup(Markup.Escape(row.LastDeployStatus ?? "-")),
                }.Concat(watchdogs ? [new Markup(Markup.Escape(row.Watchdog ?? "-"))] : []));
            console.Ansi.Write(table);
            foreach (var row in rows)
                WorkloadRows.Print(console, row.Machine, row.Workloads);
            return;
        }
        foreach (var row in rows)
            console.Out.WriteLine($"{row.Machine} {row.Address} reachable={(row.Reachable ? "yes" : "no")} live={row.LiveClosure ?? "none"} " +
                $"generation={row.Generation?.ToString() ?? "-"} desired={(row.AtDesiredClosure ? "yes" : "no")} last-deploy={row.LastDeployStatus ?? "-"}" +
                (row.Watchdog is null ? "" : $" watchdog=\"{row.Watchdog}\""));
        foreach (var row in rows)
            WorkloadRows.Print(console, row.Machine, row.Workloads);
    }
}
