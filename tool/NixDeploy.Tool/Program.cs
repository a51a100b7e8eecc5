using System.CommandLine;
using System.CommandLine.Parsing;
using NixDeploy.Tool;
using NixDeploy.Tool.Cli;
using NixDeploy.Tool.Commands;
using NixDeploy.Tool.Fleet;

var root = RootCommandFactory.Create();
// No response files: "@label" is a selection (--on @web), never a file of arguments.
var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
// Usage errors get their own exit code: System.CommandLine would return 1, the code of a failed deploy.
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
        Console.Error.WriteLine($"error: {error.Message}");
    var path = new List<string>();
    for (SymbolResult? result = parse.CommandResult; result is CommandResult command && command.Command != root; result = result.Parent)
        path.Insert(0, command.Command.Name);
    Console.Error.WriteLine($"Run 'dotnet nixdeploy {string.Join(' ', [.. path, "--help"])}' for usage.");
    return ExitCodes.BadInput;
}
// Ctrl-C cancels the command; System.CommandLine would end the process 2 s later, before a cancelled deploy has
// stopped and written its report: a build gets DotnetCli.GracefulStop, then the tool reads and prints what was done.
// serve handles SIGTERM and Ctrl-C itself (the web host's graceful shutdown).
return await parse.InvokeAsync(new InvocationConfiguration
{
    EnableDefaultExceptionHandler = false,
    ProcessTerminationTimeout = ServeCommand.IsServe(parse) ? null : DotnetCli.GracefulStop + TimeSpan.FromSeconds(15),
});
