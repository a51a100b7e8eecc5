using System.CommandLine;
using System.Text.Json;
using NixDeploy.ControlPlane;
using NixDeploy.Tool.Cli;
using NixDeploy.Tool.Fleet;
using NixDeploy.Tool.Json;
using NixDeploy.Tool.Output;
using Spectre.Console;

namespace NixDeploy.Tool.Commands;

/// <summary>
/// <c>builds trigger|status|logs --server URL</c>: the control plane's builds of the fleet repository (seed 004's
/// <c>bt</c>/<c>bs</c>). The token comes from --token-file/--token-env, or else from the project's settings.
/// </summary>
public static class BuildsCommand
{
    public static Command Create() => new("builds", "Trigger and watch the control plane's builds of the fleet repository (--server)")
    {
        Trigger(),
        Status(),
        Logs(),
    };

    private static Command Trigger()
    {
        var (command, json, connect) = Subcommand("trigger", "Start a build of the configured ref (or name the one that runs)");
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(parse.GetValue(json), async console =>
        {
            using var client = await connect(parse, cancellationToken);
            var triggered = await client.TriggerBuildAsync(cancellationToken);
            if (console.Json)
                console.Out.WriteLine(JsonSerializer.Serialize(triggered, ControlPlaneJsonContext.Default.BuildTriggered));
            else
                console.Out.WriteLine(triggered.Status == BuildTriggered.Triggered
                    ? $"Build {triggered.Id} triggered."
                    : $"Build {triggered.Id} is already running.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Status()
    {
        var (command, json, connect) = Subcommand("status", "Show a build (the latest without ID): status, commit, closures, error code; exit 1 when it failed");
        var id = Id();
        command.Add(id);
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(parse.GetValue(json), async console =>
        {
            using var client = await connect(parse, cancellationToken);
            var build = await client.GetBuildAsync(parse.GetValue(id), cancellationToken);
            Print(console, build);
            return build.Status is BuildStatus.Success or BuildStatus.Running ? ExitCodes.Success : ExitCodes.Failed;
        }));
        return command;
    }

    private static Command Logs()
    {
        var (command, json, connect) = Subcommand("logs", "Print a build's log (the latest without ID); --follow prints new lines until it ends");
        var id = Id();
        var lines = new Option<int?>("--lines", "-n") { Description = "Only the last N lines", HelpName = "N" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Follow the running build's log until it ends (exit 1 when it did not succeed)" };
        command.Add(id);
        command.Add(lines);
        command.Add(follow);
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(parse.GetValue(json), async console =>
        {
            using var client = await connect(parse, cancellationToken);
            var build = parse.GetValue(id) ?? (await client.GetBuildAsync(null, cancellationToken)).Id;
            if (!parse.GetValue(follow))
            {
                var log = await client.GetBuildLogAsync(build, parse.GetValue(lines), cancellationToken);
                if (console.Json)
                    PrintLog(console, new BuildLogDocument(build, log.Split('\n', StringSplitOptions.RemoveEmptyEntries), null));
                else
                    console.Out.Write(log);
                return ExitCodes.Success;
            }
            // With --json the lines are gathered into one document, printed when the build has ended.
            var followed = new List<string>();
            var status = await client.FollowBuildLogAsync(build,
                line =>
                {
                    if (!console.Json)
                        return console.Out.WriteLineAsync(line);
                    followed.Add(line);
                    return Task.CompletedTask;
                }, cancellationToken);
            if (console.Json)
                PrintLog(console, new BuildLogDocument(build, followed, status));
            else
                console.Error.WriteLine($"Build {build} ended: {status}.");
            return status == "success" ? ExitCodes.Success : ExitCodes.Failed;
        }));
        return command;
    }

    private static void PrintLog(ToolConsole console, BuildLogDocument log) =>
        console.Out.WriteLine(JsonSerializer.Serialize(log, ToolJsonContext.Default.BuildLogDocument));

    private static Argument<string?> Id() => new("id") { Description = "The build's id (default: the latest)", Arity = ArgumentArity.ZeroOrOne };

    /// <summary>A subcommand with --server, the token options, --project (for the project's token settings) and --json.</summary>
    private static (Command Command, Option<bool> Json, Func<ParseResult, CancellationToken, Task<ControlPlaneClient>> Connect) Subcommand(string name, string description)
    {
        var project = ToolOptions.Project();
        var json = ToolOptions.Json();
        var server = new ServerOptions();
        var command = new Command(name, description) { project, json };
        server.AddTo(command);
        return (command, json, (parse, cancellationToken) =>
            server.ConnectAsync(parse, () => FleetProject.Locate(parse.GetValue(project), Environment.CurrentDirectory), cancellationToken));
    }

    private static void Print(ToolConsole console, BuildRecord build)
    {
        if (console.Json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(build, ControlPlaneJsonContext.Default.BuildRecord));
            return;
        }
        var status = build.Status.ToString().ToLowerInvariant();
        var facts = new (string Name, string Value)[]
        {
            ("build", build.Id), ("status", status), ("ref", build.Ref), ("commit", build.Commit ?? "-"),
            ("started", build.StartedAt.ToString("u")), ("finished", build.FinishedAt?.ToString("u") ?? "-"),
            ("error", build.ErrorCode is null ? "-" : $"{build.ErrorCode}: {build.ErrorMessage}"), ("deployment", build.DeploymentId ?? "-"),
        };
        if (console.Interactive)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn("");
            foreach (var (name, value) in facts)
                table.AddRow(Markup.Escape(name), Markup.Escape(value));
            foreach (var (machine, closure) in build.Closures.OrderBy(pair => pair.Key, StringComparer.Ordinal))
                table.AddRow(Markup.Escape(machine), Markup.Escape(closure));
            console.Ansi.Write(table);
            return;
        }
        console.Out.WriteLine(string.Join(' ', facts.Select(fact => $"{fact.Name}={fact.Value}")));
        foreach (var (machine, closure) in build.Closures.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            console.Out.WriteLine($"{machine} {closure}");
    }
}
