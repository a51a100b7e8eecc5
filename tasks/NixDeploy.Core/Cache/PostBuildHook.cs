using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Processes;

namespace NixDeploy.Cache;

/// <summary>
/// Seed 001's post-build hook: Nix runs it after every build with the built paths in <c>$OUT_PATHS</c>, and it
/// pushes them to the configured caches under the same signing, retry and cache-server rules as PushCache.
/// It never fails the user's build: every outcome, failures included, goes to the config's log file, and the
/// exit code is always 0. Entry point of <c>dotnet nixdeploy post-build-hook --config FILE</c>.
/// </summary>
public static class PostBuildHook
{
    /// <summary>
    /// Pushes <paramref name="outPaths"/> (Nix's space-separated <c>$OUT_PATHS</c>), or when that is empty the outputs
    /// of <paramref name="drvPath"/> (<c>$DRV_PATH</c>); returns the exit code for Nix, always 0.
    /// </summary>
    public static async Task<int> RunAsync(string configFile, string? outPaths, string? drvPath, CancellationToken cancellationToken)
    {
        // Until the config names its log, problems go to the default log file.
        var log = new FileCommandLog(PostBuildHookConfig.DefaultLogFile);
        try
        {
            var config = PostBuildHookConfig.Read(configFile);
            log = new FileCommandLog(config.LogFile);
            var runner = new ProcessRunner(log);
            var paths = (outPaths ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            if (paths.Count == 0 && !string.IsNullOrWhiteSpace(drvPath))
                paths = await OutputsOfAsync(runner, config.NixExecutable, drvPath.Trim(), log, cancellationToken).ConfigureAwait(false);
            foreach (var invalid in paths.Where(path => !StorePath.IsValid(path)))
                log.Warning(ErrorCodes.InvalidStorePath, $"OUT_PATHS holds '{invalid}', which is not a store path: skipped");
            var roots = paths.Where(StorePath.IsValid).Distinct(StringComparer.Ordinal).ToList();
            if (roots.Count == 0)
            {
                log.Info("nothing to push: OUT_PATHS and DRV_PATH name no store path");
                return 0;
            }
            log.Info($"pushing {string.Join(' ', roots)}");
            var nix = new NixCli(runner, NixOptions.Default with { Executable = config.NixExecutable });
            var results = await new CachePushRun(nix, runner, config.Retry, log)
                .PushAsync(config.Caches, roots, config.ServerHostnames, $"\"serverHostnames\" of {configFile}", configFile, cancellationToken).ConfigureAwait(false);
            foreach (var result in results)
            {
                if (result.Status == CachePushStatus.Failed)
                    log.Warning(ErrorCodes.CachePushFailed, $"cache {result.Cache}: {result.Summary}: {result.Error}");
                else
                    log.Info($"cache {result.Cache}: {result.Summary}");
            }
        }
        catch (NixDeployException e)
        {
            foreach (var diagnostic in e.Diagnostics)
                log.Warning(diagnostic.Code, diagnostic.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A hook that throws would fail the build that triggered it; a bug is logged instead.
            log.Warning(ErrorCodes.InternalError, $"the post-build hook failed unexpectedly ({e.GetType().Name}: {e.Message}); the build was not affected. Please report it.");
        }
        return 0;
    }

    // Nix 2.8.0 runs the hook with OUT_PATHS empty (NixOS/nix#6446); DRV_PATH is set, and its outputs are what was built.
    private static async Task<List<string>> OutputsOfAsync(ProcessRunner runner, string nixExecutable, string drvPath, ICommandLog log, CancellationToken cancellationToken)
    {
        var nixStore = nixExecutable.Contains('/') ? Path.Combine(Path.GetDirectoryName(nixExecutable)!, "nix-store") : "nix-store";
        var result = await runner.RunAsync(nixStore, ["--query", "--outputs", drvPath], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            log.Warning(ErrorCodes.NixCommandFailed, $"OUT_PATHS is empty and the outputs of {drvPath} could not be listed: {FailureText.Condense(result.StandardError)}");
            return [];
        }
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(Path.Exists).ToList();
    }
}
