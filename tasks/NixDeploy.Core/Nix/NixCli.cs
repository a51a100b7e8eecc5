using System.Collections.Concurrent;
using System.ComponentModel;
using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.Processes;

namespace NixDeploy.Nix;

/// <summary>
/// The Nix commands the pipeline needs, with flakes enabled per call (users need not change nix.conf) and
/// failures turned into coded errors carrying Nix's own message.
/// </summary>
public sealed class NixCli(ProcessRunner runner, NixOptions options)
{
    private static readonly string[] Features = ["--extra-experimental-features", "nix-command flakes"];
    // One check per executable and process: each task makes its own NixCli, but Nix does not change mid-build.
    private static readonly ConcurrentDictionary<string, Lazy<Task>> VersionChecks = new(StringComparer.Ordinal);

    public NixOptions Options { get; } = options;

    /// <summary>The runner nix runs through, for the other programs a Nix step runs (a workload's command build).</summary>
    public ProcessRunner Runner => runner;

    /// <summary>Fails with ND1001/ND1002 unless a Nix of at least <see cref="NixVersion.Minimum"/> runs. Checked once.</summary>
    public Task EnsureUsableAsync(CancellationToken cancellationToken)
    {
        var check = VersionChecks.GetOrAdd(Options.Executable, _ => new Lazy<Task>(() => CheckVersionAsync(CancellationToken.None))).Value;
        // A failed check is not remembered: the user may install Nix and build again in the same IDE session.
        if (check.IsFaulted)
            VersionChecks.TryRemove(Options.Executable, out _);
        return check.WaitAsync(cancellationToken);
    }

    /// <summary><c>nix eval --json INSTALLABLE [--apply FN]</c>, parsed.</summary>
    public async Task<JsonElement> EvalJsonAsync(string installable, string? apply, string? file, CancellationToken cancellationToken)
    {
        await EnsureUsableAsync(cancellationToken).ConfigureAwait(false);
        var arguments = new List<string>(Features) { "eval", "--json", installable };
        if (apply is not null)
            arguments.AddRange(["--apply", apply]);
        arguments.AddRange(OverrideArguments());
        var result = await RunAsync(arguments, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new NixDeployException(ErrorCodes.FlakeEvaluationFailed,
                $"Evaluating '{installable}' failed; fix the flake. Nix said:{Environment.NewLine}{NixMessages.Trim(result.StandardError)}", file);
        try
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new NixDeployException(ErrorCodes.NixCommandFailed, $"'nix eval --json {installable}' printed something that is not JSON ({e.Message}).", file);
        }
    }

    /// <summary>
    /// <see cref="EvalJsonAsync"/> of an optional output of a flake (<paramref name="attribute"/>, as in
    /// <paramref name="installable"/>): null when the flake does not provide it.
    /// </summary>
    public async Task<JsonElement?> EvalOptionalJsonAsync(string installable, string attribute, string? apply, string? file, CancellationToken cancellationToken)
    {
        try
        {
            return await EvalJsonAsync(installable, apply, file, cancellationToken).ConfigureAwait(false);
        }
        catch (NixDeployException e) when (e.Code == ErrorCodes.FlakeEvaluationFailed
            && e.Message.Contains("does not provide attribute", StringComparison.Ordinal) && e.Message.Contains($"'{attribute}'", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>
    /// <c>nix build --json</c> of store derivations in one call; the result is returned, not thrown. With
    /// <paramref name="outLink"/> the outputs get GC-root links there (result, result-1, …), otherwise none.
    /// <paramref name="options"/> are more of <c>nix build</c>'s own (where it builds: <c>--builders</c>, <c>--store</c>).
    /// </summary>
    public async Task<ProcessResult> BuildAsync(IEnumerable<string> derivations, bool keepGoing, CancellationToken cancellationToken, string? outLink = null,
        IEnumerable<string>? options = null, IReadOnlyDictionary<string, string?>? environment = null, Action<NixActivity>? onActivity = null)
    {
        await EnsureUsableAsync(cancellationToken).ConfigureAwait(false);
        var arguments = new List<string>(Features) { "build", "--json" };
        arguments.AddRange(outLink is null ? ["--no-link"] : ["--out-link", outLink]);
        if (keepGoing)
            arguments.Add("--keep-going");
        arguments.AddRange(options ?? []);
        arguments.AddRange(derivations);
        return await RunAsync(arguments, cancellationToken, environment, onActivity: onActivity).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs any nix subcommand with flakes enabled; the result is returned, not thrown. With <paramref name="onActivity"/>
    /// Nix reports its builds and copies as they happen (<see cref="NixActivityLog"/>, which counts a copy's bytes by
    /// <paramref name="narSizes"/>); its stderr is still plain text.
    /// </summary>
    public async Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null, Action<NixActivity>? onActivity = null, IReadOnlyDictionary<string, long>? narSizes = null)
    {
        if (onActivity is not null)
        {
            var (result, log) = await RunWatchedAsync(arguments, onActivity, cancellationToken, environment, narSizes).ConfigureAwait(false);
            return result with { StandardError = log.Text };
        }
        try
        {
            return await runner.RunAsync(Options.Executable, arguments, environment: environment, standardInput: standardInput, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception)
        {
            throw Missing();
        }
    }

    /// <summary>
    /// Runs a nix subcommand under <c>--log-format internal-json</c>: the result (with that stderr as Nix wrote it) and
    /// the log of what it did (copied paths, messages). With <paramref name="onActivity"/> its stderr is read line by
    /// line as it arrives; without, it is read once the command ended, which a push without a live view is measurably
    /// quicker for (bench/push: no stream per line, and the progress events go unparsed).
    /// </summary>
    public async Task<(ProcessResult Result, NixActivityLog Log)> RunWatchedAsync(IReadOnlyList<string> arguments, Action<NixActivity>? onActivity,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null, IReadOnlyDictionary<string, long>? narSizes = null)
    {
        var watching = onActivity is null ? null : new NixActivityLog(onActivity, narSizes);
        try
        {
            var run = runner.RunAsync(Options.Executable, [.. NixActivityLog.Arguments, .. arguments], environment: environment,
                cancellationToken: cancellationToken, onErrorLine: watching is null ? null : watching.Line);
            // Made once the command has started, so that setting the log up runs beside the command, not after it.
            var log = watching ?? new NixActivityLog(null);
            var result = await run.ConfigureAwait(false);
            if (watching is null)
                log.ReadAll(result.StandardError);
            return (result, log);
        }
        catch (Win32Exception)
        {
            throw Missing();
        }
    }

    /// <summary>Arguments for a nix subcommand of the caller's (copy, path-info, ...), flakes enabled.</summary>
    public static IReadOnlyList<string> WithFeatures(params string[] arguments) => [.. Features, .. arguments];

    private IEnumerable<string> OverrideArguments() =>
        Options.OverrideInputs.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .SelectMany(pair => new[] { "--override-input", pair.Key, pair.Value });

    private async Task CheckVersionAsync(CancellationToken cancellationToken)
    {
        ProcessResult result;
        try
        {
            result = await runner.RunAsync(Options.Executable, ["--version"], cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception)
        {
            throw Missing();
        }
        var version = NixVersion.Parse(result.StandardOutput);
        if (!result.Succeeded || version is null)
            throw new NixDeployException(ErrorCodes.NixCommandFailed,
                $"'{Options.Executable} --version' did not report a version (exit {result.ExitCode}): {NixMessages.Trim(result.StandardError + result.StandardOutput)}");
        if (version < NixVersion.Minimum)
            throw new NixDeployException(ErrorCodes.NixTooOld,
                $"Nix {version} is too old: NixDeploy needs Nix {NixVersion.Minimum} or newer. Upgrade it (on Debian: 'apt-get install nix-bin'; elsewhere see https://nixos.org/download).");
    }

    private NixDeployException Missing() => new(ErrorCodes.NixMissing,
        $"Nix was not found ('{Options.Executable}'). Install Nix {NixVersion.Minimum} or newer (on Debian: 'apt-get install nix-bin'; elsewhere see https://nixos.org/download), or set NixDeployNixExecutable to its path.");
}
