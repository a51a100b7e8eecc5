using System.CommandLine;
using System.Text.Json;
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
        var command = new Command("rollback", "Switch machines to their previous system generation and verify it is live") { machines, project, json };
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(parse.GetValue(json), async console =>
        {
            var fleet = FleetProject.Locate(parse.GetValue(project), Environment.CurrentDirectory);
            var settings = await FleetSettings.ReadAsync(fleet, cancellationToken);
            var manifest = ManifestFile.ReadBuilt(settings.ManifestFile);
            var hosts = LiveFleet.Hosts(manifest, settings, parse.GetValue(machines)!.Distinct(StringComparer.Ordinal).ToList());
            var timeout = TimeSpan.FromSeconds(settings.Deploy.ActivationTimeoutSeconds);

            var rows = await console.ProgressView().ShowAsync($"dotnet nixdeploy rollback ({Path.GetFileName(fleet.Path)})", show =>
                LiveFleet.ForEachAsync(hosts, settings.Deploy.Parallelism, async host =>
                {
                    show(new ProgressEvent(host.Machine, "rollback", null, DateTimeOffset.UtcNow));
                    try
                    {
                        var state = await host.RollbackAsync(timeout, cancellationToken);
                        show(new ProgressEvent(host.Machine, null, "reverted", DateTimeOffset.UtcNow));
                        return new MachineRollbackDocument(host.Machine, true, state.Closure, state.Generation, null, null);
                    }
                    catch (NixDeployException e)
                    {
                        show(new ProgressEvent(host.Machine, null, "failed", DateTimeOffset.UtcNow));
                        return new MachineRollbackDocument(host.Machine, false, null, null, e.Code, e.Diagnostics[0].Message);
                    }
                }));

            if (console.Json)
                console.Out.WriteLine(JsonSerializer.Serialize(rows, ToolJsonContext.Default.IReadOnlyListMachineRollbackDocument));
            foreach (var row in rows)
            {
                if (row.RolledBack)
                    console.Line($"{row.Machine}: generation {row.Generation} is live ({console.StorePathText(row.LiveClosure ?? "none")})");
                else
                    console.WriteDiagnostic(new Diagnostic(row.ErrorCode!, row.Error!));
            }
            return rows.All(row => row.RolledBack) ? ExitCodes.Success : ExitCodeClassifier.For(rows.Where(row => !row.RolledBack).Select(row => row.ErrorCode!));
        }));
        return command;
    }
}
