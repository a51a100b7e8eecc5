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

namespace NixDeploy.Tool.Commands;

/// <summary><c>status</c>: per machine whether it answers, what it runs (closure, generation) and how the last deploy ended.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var project = ToolOptions.Project();
        var json = ToolOptions.Json();
        var on = ToolOptions.On();
        var command = new Command("status", "Show each machine's live system, generation and last deploy result (exit 0 when all run their desired closure)")
        {
            project, on, json,
        };
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(parse.GetValue(json), async console =>
        {
            var fleet = FleetProject.Locate(parse.GetValue(project), Environment.CurrentDirectory);
            var settings = await FleetSettings.ReadAsync(fleet, cancellationToken);
            var manifest = ManifestFile.ReadBuilt(settings.ManifestFile);
            var report = File.Exists(settings.ReportFile) ? DeployReport.Json.Read(settings.ReportFile) : null;
            var hosts = LiveFleet.Hosts(manifest, settings, LiveFleet.Select(manifest, parse.GetValue(on)));
            var states = await LiveFleet.ForEachAsync(hosts, settings.Deploy.Parallelism, host => host.ReadAsync(cancellationToken));

            var rows = hosts.Select((host, i) =>
            {
                var state = states[i];
                var desired = manifest.Closures.GetValueOrDefault(host.Machine);
                return new MachineStatusDocument(host.Machine, manifest.Blueprint[host.Machine].Deployment.Addr, state.Reachable, state.Closure,
                    state.Generation, desired, desired is not null && state.Closure == desired,
                    report?.Machines.GetValueOrDefault(host.Machine)?.Status.ToReportName(), state.ErrorCode, state.Error);
            }).ToList();
            Print(console, rows);
            console.Line(Verdict(rows, manifest.Closures.Count));
            return rows.All(row => row.AtDesiredClosure) ? ExitCodes.Success : ExitCodes.Failed;
        }));
        return command;
    }

    /// <summary>Why the exit code is what it is, naming the machines that decide it.</summary>
    private static string Verdict(IReadOnlyList<MachineStatusDocument> rows, int built)
    {
        var off = rows.Where(row => !row.AtDesiredClosure).ToList();
        if (off.Count == 0)
            return $"exit 0: all {rows.Count} machine(s) run their desired closure.";
        var reasons = off.Select(row => row switch
        {
            { Reachable: false } => $"{row.Machine} cannot be reached",
            { DesiredClosure: null } => $"{row.Machine} has no closure in deployment.json (the last build did not select it: {built} machine(s) built)",
            { LiveClosure: null } => $"{row.Machine} runs no system yet",
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
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var header in new[] { "machine", "address", "live system", "gen", "desired", "last deploy" })
                table.AddColumn(header == "live system" ? new TableColumn(header) : new TableColumn(header).NoWrap());
            foreach (var row in rows)
                table.AddRow(new Markup(Markup.Escape(row.Machine)), new Markup(Markup.Escape(row.Address)),
                    new Markup(!row.Reachable ? "[red]unreachable[/]" : Markup.Escape(row.LiveClosure is null ? "none" : console.StorePathText(row.LiveClosure))).Overflow(Overflow.Ellipsis),
                    new Markup(row.Generation?.ToString() ?? "-"), new Markup(row.AtDesiredClosure ? "[green]yes[/]" : "[yellow]no[/]"), new Markup(Markup.Escape(row.LastDeployStatus ?? "-")));
            console.Ansi.Write(table);
            return;
        }
        foreach (var row in rows)
            console.Out.WriteLine($"{row.Machine} {row.Address} reachable={(row.Reachable ? "yes" : "no")} live={row.LiveClosure ?? "none"} " +
                $"generation={row.Generation?.ToString() ?? "-"} desired={(row.AtDesiredClosure ? "yes" : "no")} last-deploy={row.LastDeployStatus ?? "-"}");
    }
}
