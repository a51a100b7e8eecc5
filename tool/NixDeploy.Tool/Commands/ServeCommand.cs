using System.CommandLine;
using NixDeploy.ControlPlane;
using NixDeploy.Server.Api;
using NixDeploy.Server.Auth;
using NixDeploy.Server.Hosting;
using NixDeploy.Server.Store;
using NixDeploy.Tool.Cli;

namespace NixDeploy.Tool.Commands;

/// <summary>
/// <c>serve --data DIR [--urls URL] [--config FILE]</c>: the control plane; <c>serve token create</c>: a token made on
/// the server's machine (the first admin's), printed once on stdout.
/// </summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var data = Data();
        var urls = new Option<string?>("--urls")
        {
            Description = $"Where to listen, ';'-separated (default {ListenAddresses.Default}); plain http only on loopback unless the config allows it",
            HelpName = "URL",
        };
        var config = new Option<string?>("--config")
        {
            Description = "The server's JSON config: ssh (identityFile, knownHostsFile), tls (certificateFile, keyFile), allowPlainHttp, build (repository, ref, project, autoDeploy, signingKeyFile)",
            HelpName = "FILE",
        };
        var serve = new Command("serve", "Run the control plane: receive deployments over HTTP and roll them out") { data, urls, config, TokenCommand() };
        serve.SetAction((parse, _) => CommandHandler.RunAsync(false, async _ =>
        {
            await using var app = ControlPlaneHost.Build(new ServeOptions(parse.GetValue(data)!, parse.GetValue(urls), parse.GetValue(config)));
            // The web host stops on SIGTERM/SIGINT itself, giving running rollouts their grace.
            await app.RunAsync(url: null);
            return ExitCodes.Success;
        }));
        return serve;
    }

    /// <summary>Whether the parsed command is <c>serve</c>, which handles its own termination (System.CommandLine would end it after 2 s).</summary>
    public static bool IsServe(ParseResult parse) => parse.CommandResult.Command.Name == "serve";

    private static Command TokenCommand()
    {
        var data = Data();
        var role = new Option<string>("--role")
        {
            Description = "What the token may do: read, ci (and post deployments), operator (and roll back), admin (and manage tokens)",
            HelpName = "ROLE",
            Required = true,
        };
        role.AcceptOnlyFromAmong([.. Enum.GetValues<TokenRole>().Where(value => value != TokenRole.Machine).Select(Names.Of)]);
        var name = new Option<string?>("--name") { Description = "What the token is for (default: its role)", HelpName = "NAME" };
        var create = new Command("create", "Create a token in the server's database and print it once (stdout only)") { role, data, name };
        create.SetAction((parse, _) => CommandHandler.RunAsync(false, console =>
        {
            var roleValue = Names.Role(parse.GetValue(role)!);
            var store = SqliteControlPlaneStore.Open(parse.GetValue(data)!);
            var created = new TokenService(store, TimeProvider.System).Create(roleValue, TokenEndpoints.RequireName(parse.GetValue(name) ?? Names.Of(roleValue)));
            console.Out.WriteLine(created.Token);
            return Task.FromResult(ExitCodes.Success);
        }));
        return new Command("token", "Manage the control plane's tokens on its machine") { create };
    }

    private static Option<string> Data() => new("--data")
    {
        Description = "The server's data folder: its SQLite database and the deployments' documents",
        HelpName = "DIR",
        Required = true,
    };
}
