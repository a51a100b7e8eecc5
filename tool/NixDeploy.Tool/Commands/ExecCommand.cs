using System.CommandLine;
using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.Live;
using NixDeploy.Manifest;
using NixDeploy.Ssh;
using NixDeploy.Tool.Cli;
using NixDeploy.Tool.Fleet;
using NixDeploy.Tool.Json;
using NixDeploy.Tool.Output;

namespace NixDeploy.Tool.Commands;

/// <summary>
/// <c>exec</c>: one shell command on every selected machine at once (colmena's exec), over the deploy's SSH settings.
/// Each machine's output is printed when it finishes, every line prefixed by its name, then its exit code.
/// </summary>
public static class ExecCommand
{
    public static Command Create()
    {
        var project = ToolOptions.Project();
        var json = ToolOptions.Json();
        var on = ToolOptions.On();
        var parallel = ToolOptions.Parallel();
        var words = new Argument<string[]>("command")
        {
            Description = "The command, run by each machine's shell as ssh runs it (after --: its words are joined with spaces)",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("exec", "Run a command on the selected machines in parallel: output prefixed by machine, an exit code per machine (exit 0 when every one exits 0)")
        {
            project, on, parallel, json, words,
        };
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(parse.GetValue(json), async console =>
        {
            var fleet = FleetProject.Locate(parse.GetValue(project), Environment.CurrentDirectory);
            var settings = await FleetSettings.ReadAsync(fleet, cancellationToken);
            var manifest = ManifestFile.ReadBuilt(settings.ManifestFile);
            var hosts = LiveFleet.Hosts(manifest, settings, LiveFleet.Select(manifest, parse.GetValue(on)));
            var shellCommand = string.Join(' ', parse.GetValue(words)!);
            var printing = new Lock();
            var rows = await LiveFleet.ForEachAsync(hosts, parse.GetValue(parallel) ?? settings.Deploy.Parallelism, async host =>
            {
                var row = await RunAsync(host, shellCommand, cancellationToken);
                lock (printing)
                    Print(console, row);
                return row;
            });
            if (console.Json)
                console.Out.WriteLine(JsonSerializer.Serialize(rows, ToolJsonContext.Default.IReadOnlyListMachineExecDocument));
            else
                foreach (var row in rows)
                    console.Out.WriteLine(row.ExitCode is { } code ? $"{row.Machine}: exit {code}" : $"{row.Machine}: {row.ErrorCode} (not run)");
            return rows.All(row => row.ExitCode == 0) ? ExitCodes.Success : ExitCodes.Failed;
        }));
        return command;
    }

    private static async Task<MachineExecDocument> RunAsync(LiveHost host, string shellCommand, CancellationToken cancellationToken)
    {
        var result = await host.Ssh.RunAsync(["sh", "-c", shellCommand], shellCommand, timeout: null, cancellationToken);
        if (result.ExitCode == SshClient.UnreachableExitCode)
        {
            var unreachable = host.Ssh.Unreachable(result).Diagnostics[0];
            return new MachineExecDocument(host.Machine, null, "", "", unreachable.Code, unreachable.Message);
        }
        return new MachineExecDocument(host.Machine, result.ExitCode, result.StandardOutput, result.StandardError, null, null);
    }

    private static void Print(ToolConsole console, MachineExecDocument row)
    {
        if (console.Json)
            return;
        if (row.ErrorCode is not null)
        {
            console.WriteDiagnostic(new Diagnostic(row.ErrorCode, row.Error!));
            return;
        }
        foreach (var line in Lines(row.StandardOutput))
            console.Out.WriteLine($"{row.Machine} | {line}");
        foreach (var line in Lines(row.StandardError))
            console.Error.WriteLine($"{row.Machine} | {line}");
    }

    private static IEnumerable<string> Lines(string text) => text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
}
