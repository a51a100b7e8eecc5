using System.CommandLine;
using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;
using NixDeploy.Tool.Cli;
using NixDeploy.Tool.Fleet;
using NixDeploy.Tool.Output;

namespace NixDeploy.Tool.Commands;

/// <summary>
/// <c>machine add NAME --server URL --out DIR</c>: bootstraps a pull machine (seed 004's <c>bootstrap-new-machine</c>):
/// the control plane makes the machine's token (admin), the token and its netrc line go to files in DIR (mode 600),
/// and the NixOS settings that start its agent and trust the fleet's cache are printed. The token itself is printed
/// only with <c>--show-token</c>.
/// </summary>
public static class MachineCommand
{
    /// <summary>Where the snippet expects the two files on the machine.</summary>
    public const string MachineFolder = "/var/lib/nixdeploy-agent";

    public static Command Create() => new("machine", "Bootstrap pull machines on the control plane (--server)") { Add() };

    private static Command Add()
    {
        var project = ToolOptions.Project();
        var server = new ServerOptions();
        var name = new Argument<string>("NAME") { Description = "The machine's name, as the blueprint has it" };
        var output = new Option<string>("--out")
        {
            Description = $"The folder to write the machine's token and netrc files into (mode 600; copy them to {MachineFolder} on the machine)",
            HelpName = "DIR",
            Required = true,
        };
        var showToken = new Option<bool>("--show-token") { Description = "Also print the machine's token (it is otherwise only written to DIR/token)" };
        var command = new Command("add", "Create a pull machine's token and print the NixOS settings of its agent and cache") { name, output, showToken, project };
        server.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(false, async console =>
        {
            var machine = parse.GetValue(name)!;
            var folder = Path.GetFullPath(parse.GetValue(output)!);
            var (tokenFile, netrcFile) = (Path.Combine(folder, "token"), Path.Combine(folder, "netrc"));
            // Checked before the server makes a token, so a refusal leaves no token behind.
            if (new[] { tokenFile, netrcFile }.FirstOrDefault(File.Exists) is { } existing)
                throw new NixDeployException(ErrorCodes.AgentFilesExist,
                    $"{existing} already exists: it may hold the token of an agent that runs. Choose another --out folder, or delete the files first (and revoke that token).", existing);
            using var client = await server.ConnectAsync(parse, () => FleetProject.Locate(parse.GetValue(project), Environment.CurrentDirectory), cancellationToken);
            var created = await client.CreateMachineTokenAsync(machine, cancellationToken);
            Directory.CreateDirectory(folder);
            WriteSecret(tokenFile, created.Token + "\n");
            WriteSecret(netrcFile, $"machine {new Uri(created.Cache.Url).Host} login nixdeploy password {created.Token}\n");
            PrintSnippet(console, client.Server, created, tokenFile, netrcFile);
            if (parse.GetValue(showToken))
                console.Out.WriteLine($"token: {created.Token}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void PrintSnippet(ToolConsole console, Uri server, MachineTokenCreated created, string tokenFile, string netrcFile)
    {
        var key = created.Cache.PublicKey ?? "PUBLIC-KEY";
        console.Out.WriteLine($"""
            # {created.Machine}: its NixOS configuration. Copy {tokenFile} and {netrcFile} to {MachineFolder}/ on it (root only, mode 600).
            nix.settings.substituters = [ "{created.Cache.Url}" ];
            nix.settings.trusted-public-keys = [ "{key}" ];
            nix.settings.netrc-file = "{MachineFolder}/netrc";
            services.nixdeploy-agent = {"{"}
              enable = true;
              server = "{server.ToString().TrimEnd('/')}";
              machine = "{created.Machine}";
              tokenFile = "{MachineFolder}/token";
            {"}"};
            """);
        if (created.Cache.PublicKey is null)
            console.Out.WriteLine("# PUBLIC-KEY: no deployment at the control plane names a cache key yet; put in the fleet's public key (of NixDeployCache's SecretKeyFile).");
        console.Out.WriteLine($"# Add {created.Machine} to the blueprint with deployment.mode = \"pull\" and deploy: its agent applies it. Token id {created.Id} (revoke: DELETE /api/v1/tokens/{created.Id}).");
    }

    // Created with mode 600 before a byte of the token is written.
    private static void WriteSecret(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }
}
