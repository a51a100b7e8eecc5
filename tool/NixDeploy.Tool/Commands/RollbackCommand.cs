using System.CommandLine;
using System.Text.Json;
using NixDeploy.ControlPlane;
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

/// <summary><c>rollback MACHINE...</c>: each machine back to its previous system generation, activated and verified live.</summary>
public static class RollbackCommand
{
    public static Command Create()
    {
        var project = ToolOptions.Project();
        var json = ToolOptions.Json();
        var machines = new Argument<string[]>("machine")
        {
            Description = "The machines to roll back to their previous system generation",
            Arity = ArgumentArity.OneOrMore,
        };
        var server = new ServerOptions();
        var command = new Command("rollback", "Switch machines to their previous system generation and verify it is live") { machines, project, json };
        server.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(parse.GetValue(json), async console =>
        {
            FleetProject Fleet() => FleetProject.Locate(parse.GetValue(project), Environment.CurrentDirectory);
            var names = parse.GetValue(machines)!.Distinct(StringComparer.Ordinal).ToList();
            var title = $"dotnet nixdeploy rollback ({(server.Server(parse) is { } url ? url : Path.GetFileName(Fleet().Path))})";
            var rows = server.Server(parse) is null
                ? await OnHostsAsync(console, title, Fleet(), names, cancellationToken)
                : await ThroughServerAsync(console, title, await server.ConnectAsync(parse, Fleet, cancellationToken), names, cancellationToken);

            if (console.Json)
                console.Out.WriteLine(JsonSerializer.Serialize(rows, ToolJsonContext.Default.IReadOnlyListMachineRollbackDocument));
            foreach (var row in rows)
            {
                if (row.RolledBack)
                    console.Line($"{row.Machine}: {(row.Generation is { } generation ? $"generation {generation}" : "the previous system")} is live ({row.LiveClosure})");
                else
                    console.WriteDiagnostic(new Diagnostic(row.ErrorCode!, row.Error!));
            }
            return rows.All(row => row.RolledBack) ? ExitCodes.Success : ExitCodeClassifier.For(rows.Where(row => !row.RolledBack).Select(row => row.ErrorCode!));
        }));
        return command;
    }

    private static async Task<IReadOnlyList<MachineRollbackDocument>> OnHostsAsync(ToolConsole console, string title, FleetProject fleet,
        IReadOnlyList<string> machines, CancellationToken cancellationToken)
    {
        var settings = await FleetSettings.ReadAsync(fleet, cancellationToken);
        var manifest = ManifestFile.ReadBuilt(settings.ManifestFile);
        var hosts = LiveFleet.Hosts(manifest, settings, machines);
        var timeout = TimeSpan.FromSeconds(settings.Deploy.ActivationTimeoutSeconds);
        return await RollBackEachAsync(console, title, hosts, settings.Deploy.Parallelism, host => host.Machine, async host =>
        {
            var state = await host.RollbackAsync(timeout, cancellationToken);
            return (state.Closure, state.Generation);
        });
    }

    /// <summary>The control plane rolls each machine back (operator role); it keeps no generation numbers.</summary>
    private static async Task<IReadOnlyList<MachineRollbackDocument>> ThroughServerAsync(ToolConsole console, string title, ControlPlaneClient client,
        IReadOnlyList<string> machines, CancellationToken cancellationToken)
    {
        using (client)
            return await RollBackEachAsync(console, title, machines, DeploySettings.DefaultParallelism, machine => machine, async machine =>
            {
                var outcome = await client.RollbackAsync(machine, cancellationToken);
                return outcome.ErrorCode is null
                    ? (outcome.ToClosure, (int?)null)
                    : throw new NixDeployException(outcome.ErrorCode, outcome.ErrorMessage ?? $"{machine} was not rolled back ({outcome.Status}).");
            });
    }

    private static Task<IReadOnlyList<MachineRollbackDocument>> RollBackEachAsync<T>(ToolConsole console, string title, IReadOnlyList<T> machines,
        int parallelism, Func<T, string> name, Func<T, Task<(string? Closure, int? Generation)>> rollBack) =>
        console.ProgressView().ShowAsync(title, show =>
            LiveFleet.ForEachAsync(machines, parallelism, async machine =>
            {
                show(new ProgressEvent(name(machine), "rollback", null, DateTimeOffset.UtcNow));
                try
                {
                    var (closure, generation) = await rollBack(machine);
                    show(new ProgressEvent(name(machine), null, "reverted", DateTimeOffset.UtcNow));
                    return new MachineRollbackDocument(name(machine), true, closure, generation, null, null);
                }
                catch (NixDeployException e)
                {
                    show(new ProgressEvent(name(machine), null, "failed", DateTimeOffset.UtcNow));
                    return new MachineRollbackDocument(name(machine), false, null, null, e.Code, e.Diagnostics[0].Message);
                }
            }));
}
