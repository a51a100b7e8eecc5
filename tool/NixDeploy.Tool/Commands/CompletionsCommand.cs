using System.CommandLine;
using NixDeploy.Tool.Cli;

namespace NixDeploy.Tool.Commands;

/// <summary>
/// <c>completions bash|zsh|fish</c>: prints the shell's completion script (a resource of this tool). The scripts ask
/// the tool what may come next through System.CommandLine's [suggest] directive, so they never go stale.
/// </summary>
public static class CompletionsCommand
{
    private static readonly Dictionary<string, string> Scripts = new(StringComparer.Ordinal)
    {
        ["bash"] = "Completions.nixdeploy.bash",
        ["zsh"] = "Completions.nixdeploy.zsh",
        ["fish"] = "Completions.nixdeploy.fish",
    };

    public static Command Create()
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong([.. Scripts.Keys]);
        var command = new Command("completions", "Print the shell completion script for bash, zsh or fish (e.g. eval \"$(dotnet nixdeploy completions bash)\" in ~/.bashrc)")
        {
            shell,
        };
        command.SetAction(parse =>
        {
            using var script = typeof(CompletionsCommand).Assembly.GetManifestResourceStream(Scripts[parse.GetValue(shell)!])!;
            using var reader = new StreamReader(script);
            Console.Out.Write(reader.ReadToEnd());
            return ExitCodes.Success;
        });
        return command;
    }
}
