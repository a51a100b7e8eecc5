using System.ComponentModel;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Processes;

namespace NixDeploy.Artifacts;

/// <summary>
/// Runs a script from the flake with <c>/bin/sh -e</c>: first builds the store derivations it refers to, then runs it
/// with stdin closed (a script waiting for input fails instead of hanging the build). Its output is captured and
/// never logged: generators and backends handle secrets. Its errors name <paramref name="declarationFile"/>, where the
/// scripts are declared.
/// </summary>
public sealed class ArtifactScriptRunner(NixCli nix, ICommandLog log, string? declarationFile)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private readonly ProcessRunner _runner = new(NullCommandLog.Instance);
    private readonly HashSet<string> _built = new(StringComparer.Ordinal);

    public ICommandLog Log { get; } = log;

    /// <param name="display">What the log shows instead of the script, e.g. <c>generator of web-1/wireguard</c>.</param>
    public async Task<ProcessResult> RunAsync(NixScript script, string display, IReadOnlyDictionary<string, string?> environment, string? workingDirectory, CancellationToken cancellationToken)
    {
        await BuildNeedsAsync(script, display, cancellationToken).ConfigureAwait(false);
        Log.Command($"sh -ec <{display}>");
        try
        {
            return await _runner.RunAsync("/bin/sh", ["-ec", script.Text, "nixdeploy-artifact"], workingDirectory, environment, timeout: Timeout,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new NixDeployException(ErrorCodes.ArtifactGeneratorFailed,
                $"The {display} did not finish within {Timeout.TotalMinutes:0} minutes and was stopped. It runs with stdin closed: it must not wait for input (prompts come as $prompt/NAME files).", declarationFile);
        }
        catch (Win32Exception e)
        {
            throw new NixDeployException(ErrorCodes.ArtifactGeneratorFailed, $"/bin/sh could not be started for the {display}: {e.Message}", declarationFile);
        }
    }

    private async Task BuildNeedsAsync(NixScript script, string display, CancellationToken cancellationToken)
    {
        var missing = script.Needs.Where(drv => !_built.Contains(drv)).ToList();
        if (missing.Count == 0)
            return;
        var result = await nix.BuildAsync(missing, keepGoing: false, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new NixDeployException(ErrorCodes.ArtifactGeneratorFailed,
                $"Building what the {display} refers to failed. Nix said:{Environment.NewLine}{NixMessages.Trim(result.StandardError)}", declarationFile);
        _built.UnionWith(missing);
    }
}
