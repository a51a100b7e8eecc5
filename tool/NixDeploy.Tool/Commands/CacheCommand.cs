using System.CommandLine;
using NixDeploy.Nix;
using NixDeploy.Processes;
using NixDeploy.Tool.Cli;

namespace NixDeploy.Tool.Commands;

/// <summary><c>cache keygen</c>: a signing key pair for a binary cache; the secret goes to a file only.</summary>
public static class CacheCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name")
        {
            Description = "The key's name: the cache's host name and a number, e.g. cache.example.org-1",
            HelpName = "NAME",
            Required = true,
        };
        var output = new Option<string>("--output")
        {
            Description = "The folder for NAME.secret (mode 600) and NAME.public; keep it out of git (the nixfleet template ignores secrets/)",
            HelpName = "DIR",
            DefaultValueFactory = _ => "secrets",
        };
        var keygen = new Command("keygen", "Generate a binary cache signing key pair with Nix") { name, output };
        keygen.SetAction((parse, cancellationToken) => CommandHandler.RunAsync(false, async console =>
        {
            var nix = new NixCli(new ProcessRunner(NullCommandLog.Instance), NixOptions.Default);
            var (secretFile, publicFile, publicKey) = await new SigningKeys(nix).GenerateAsync(
                parse.GetValue(name)!, Path.GetFullPath(parse.GetValue(output)!), cancellationToken);
            console.Line($"secret key: {secretFile} (readable by you only; never commit it)");
            console.Line($"public key: {publicFile}");
            console.Line(publicKey);
            console.Line($"Use it: <NixDeployCache Include=\"main\" Url=\"...\" SecretKeyFile=\"{secretFile}\" /> in fleet.nixdeploy.user, and add the public key to the machines' trusted-public-keys.");
            return ExitCodes.Success;
        }));
        return new Command("cache", "Binary cache helpers") { keygen };
    }
}
