using System.CommandLine;
using NixDeploy.Cache;

namespace NixDeploy.Tool.Commands;

/// <summary>
/// <c>post-build-hook --config FILE</c>: Nix's post-build-hook. Pushes <c>$OUT_PATHS</c> to the config's caches and
/// logs to its log file; always exits 0, so a cache problem never fails the build that ran it.
/// </summary>
public static class PostBuildHookCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config")
        {
            Description = "The hook's JSON config: caches (as NixDeployCache metadata, camelCased), serverHostnames, retryCount, retryDelayMilliseconds, logFile",
            HelpName = "FILE",
            Required = true,
        };
        var command = new Command("post-build-hook", "Run as Nix's post-build-hook: push the built paths ($OUT_PATHS) to binary caches, never failing the build") { config };
        command.SetAction((parse, cancellationToken) =>
            PostBuildHook.RunAsync(Path.GetFullPath(parse.GetValue(config)!), Environment.GetEnvironmentVariable("OUT_PATHS"), Environment.GetEnvironmentVariable("DRV_PATH"), cancellationToken));
        return command;
    }
}
