using System.CommandLine;
using NixDeploy.Artifacts.Services;
using NixDeploy.Artifacts;
using NixDeploy.Artifacts.Delivery;
using NixDeploy.Processes;
using NixDeploy.Tool.Artifacts;
using NixDeploy.Tool.Cli;
using NixDeploy.Tool.Fleet;
using NixDeploy.Tool.Output;
using Spectre.Console;

namespace NixDeploy.Tool.Commands;

/// <summary>
/// <c>artifacts generate|list|check|upload</c>: the artifact store of the fleet. <c>generate</c> runs the queue here,
/// asking prompts on the terminal; <c>list</c> shows each artifact's state; <c>check</c> fails (exit 1) when any is
/// missing or stale, for CI; <c>upload</c> places the files on the machines without a deploy.
/// </summary>
public static class ArtifactsCommand
{
    public static Command Create() => new("artifacts", "Generated secrets and keys: generate them (asking prompts), list them, check them in CI, upload them")
    {
        Generate(),
        Upload(),
        Inspect("list", "Show every selected machine's artifacts and whether they are stored", failOnProblems: false),
        Inspect("check", "Exit 1 when an artifact of the selected machines is missing or stale", failOnProblems: true),
    };

    private static Command Generate()
    {
        var project = ToolOptions.Project();
        var on = ToolOptions.On();
        var regenerate = new Option<string?>("--regenerate")
        {
            Description = "Generate again even what is stored: all (no value), or ARTIFACT, MACHINE/ARTIFACT, shared/ARTIFACT, comma-separated",
            HelpName = "ARTIFACTS",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("generate", "Generate and store every missing artifact of the selected machines, asking their prompts") { project, on, regenerate };
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(false, async console =>
        {
            var fleet = FleetProject.Locate(parse.GetValue(project), Environment.CurrentDirectory);
            var artifacts = await FleetArtifacts.LoadAsync(fleet, parse.GetValue(on), cancellationToken);
            var selection = parse.GetResult(regenerate) is null ? ArtifactSelection.None : ArtifactSelection.Parse(parse.GetValue(regenerate) ?? "*", fleet.Path);
            var prompts = new TerminalPromptSource(console.Ansi, console.Interactive);
            var result = await artifacts.Services.Queue(prompts).RunAsync(artifacts.Store, artifacts.Selected, selection, cancellationToken);
            foreach (var (key, outcome) in Outcomes(result))
                console.Line($"{key}: {outcome}");
            console.Line($"{artifacts.Store.UsedBy(artifacts.Selected).Count} artifact(s) of {artifacts.Selected.Count} machine(s); commit what was stored under {artifacts.Services.Repository.Root}.");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// The deploy's placement without a deploy (colmena's upload-keys): the queue first (missing artifacts are generated
    /// and stored, as by generate), then each selected machine's files, under its deploy lock. Nothing is activated,
    /// so services that read the files see them when they next read them.
    /// </summary>
    private static Command Upload()
    {
        var project = ToolOptions.Project();
        var on = ToolOptions.On();
        var command = new Command("upload", "Place the selected machines' artifact files on them now, without a deploy (as colmena's upload-keys)") { project, on };
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(false, async console =>
        {
            var fleet = FleetProject.Locate(parse.GetValue(project), Environment.CurrentDirectory);
            var settings = await FleetSettings.ReadAsync(fleet, cancellationToken);
            var artifacts = await FleetArtifacts.LoadAsync(fleet, parse.GetValue(on), cancellationToken);
            var prompts = new TerminalPromptSource(console.Ansi, console.Interactive);
            var result = await artifacts.Services.Queue(prompts).RunAsync(artifacts.Store, artifacts.Selected, ArtifactSelection.None, cancellationToken);
            var upload = new ArtifactUpload(artifacts.Services.Placement(result, prompts), settings.Deploy.Ssh, NullCommandLog.Instance);
            var failures = new List<Diagnostics.Diagnostic>();
            foreach (var machine in artifacts.Selected)
            {
                try
                {
                    var placed = await upload.UploadAsync(machine, artifacts.Blueprint[machine].Deployment, cancellationToken);
                    console.Line($"{machine}: {(placed ? "artifacts placed" : "no artifacts")}");
                }
                catch (Diagnostics.NixDeployException e)
                {
                    console.Line($"{machine}: failed ({e.Code})");
                    failures.AddRange(e.Diagnostics);
                }
            }
            return failures.Count > 0 ? CommandHandler.Fail(console, failures) : ExitCodes.Success;
        }));
        return command;
    }

    private static Command Inspect(string name, string description, bool failOnProblems)
    {
        var project = ToolOptions.Project();
        var on = ToolOptions.On();
        var command = new Command(name, description) { project, on };
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(false, async console =>
        {
            var fleet = FleetProject.Locate(parse.GetValue(project), Environment.CurrentDirectory);
            var artifacts = await FleetArtifacts.LoadAsync(fleet, parse.GetValue(on), cancellationToken);
            var statuses = await artifacts.Services.Inspector().InspectAsync(artifacts.Store, artifacts.Selected, cancellationToken);
            Print(console, statuses);
            var problems = statuses.Where(status => status.State is ArtifactState.Missing or ArtifactState.Stale).ToList();
            if (failOnProblems)
            {
                foreach (var problem in problems)
                    console.WriteDiagnostic(new Diagnostics.Diagnostic(Diagnostics.ErrorCodes.ArtifactMissingOrStale,
                        $"{problem.Artifact.Key} is {problem.State.ToString().ToLowerInvariant()}: {problem.Detail}. Run 'dotnet nixdeploy artifacts generate{(problem.State == ArtifactState.Stale ? $" --regenerate {problem.Artifact.Key}" : "")}' and commit the result.", fleet.Path));
            }
            return failOnProblems && problems.Count > 0 ? ExitCodes.Failed : ExitCodes.Success;
        }));
        return command;
    }

    private static IEnumerable<(string Key, string Outcome)> Outcomes(ArtifactQueueResult result) =>
        result.Machines.SelectMany(pair => pair.Value.Select(artifact => (Key: new ArtifactKey(artifact.Shared ? null : pair.Key, artifact.Name).ToString(),
                Outcome: artifact.Outcome.ToString().ToLowerInvariant())))
            .Distinct()
            .OrderBy(pair => pair.Key, StringComparer.Ordinal);

    private static void Print(ToolConsole console, IReadOnlyList<ArtifactStatus> statuses)
    {
        if (console.Interactive)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("artifact").AddColumn("machines").AddColumn("files").AddColumn("state");
            foreach (var status in statuses)
                table.AddRow(Markup.Escape(status.Artifact.Key.ToString()), Markup.Escape(string.Join(", ", status.Artifact.Machines)),
                    Markup.Escape(string.Join(", ", status.Artifact.Files.Values.Select(f => $"{f.Name}{(f.Secret ? " (secret)" : "")} -> {f.Path}"))),
                    status.State switch
                    {
                        ArtifactState.Stored => "[green]stored[/]",
                        ArtifactState.Ephemeral => "[grey]ephemeral[/]",
                        _ => $"[yellow]{status.State.ToString().ToLowerInvariant()}[/]: {Markup.Escape(status.Detail)}",
                    });
            console.Ansi.Write(table);
            return;
        }
        foreach (var status in statuses)
            console.Line($"{status.Artifact.Key} machines={string.Join(",", status.Artifact.Machines)} files={string.Join(",", status.Artifact.Files.Keys)} state={status.State.ToString().ToLowerInvariant()} ({status.Detail})");
    }
}
