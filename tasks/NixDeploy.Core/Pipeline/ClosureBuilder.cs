using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;

namespace NixDeploy.Pipeline;

/// <summary>The closures that were built, and a coded error for each machine that was not.</summary>
public sealed record ClosureBuildResult(IReadOnlyDictionary<string, string> Closures, IReadOnlyList<Diagnostic> Failures);

/// <summary>
/// BuildClosures' core: every selected machine's toplevel in ONE <c>nix build</c>. Nix 2.8 prints no JSON when
/// any build fails, so results are recovered from the evaluated out paths: what exists was built. A successful
/// build's closures are GC roots in <c>rootDirectory</c> (see <see cref="ClosureRoots"/>) until the next one.
/// With <paramref name="builders"/> (NixDeployBuilders) Nix builds on those remote builders and this machine on none.
/// </summary>
public sealed class ClosureBuilder(NixCli nix, string? builders = null)
{
    // Nix 2.8's words when no remote builder could take a build (down, unreachable, or none for the system).
    private const string CannotBuildOn = "cannot build on '";
    private static readonly string[] NoBuilderSigns = ["Failed to find a machine for remote build", CannotBuildOn];

    /// <summary>
    /// Builds every toplevel, and the workloads' <paramref name="deliverables"/> (by workload; a fetch is a fixed-output
    /// derivation, refused by Nix when the download's hash differs), in one <c>nix build</c>; <paramref name="onActivity"/>
    /// hears its builds as they go.
    /// </summary>
    public async Task<ClosureBuildResult> BuildAsync(IReadOnlyDictionary<string, Toplevel> toplevels, bool keepGoing, string? file, string rootDirectory, CancellationToken cancellationToken,
        Action<NixActivity>? onActivity = null, IReadOnlyDictionary<string, Toplevel>? deliverables = null)
    {
        deliverables ??= new Dictionary<string, Toplevel>();
        var derivations = toplevels.Values.Concat(deliverables.Values).Select(t => t.DrvPath).Distinct().ToList();
        // With no installables `nix build` would build the flake's default package instead.
        if (derivations.Count == 0)
        {
            ClosureRoots.KeepFirst(rootDirectory, 0);
            return new ClosureBuildResult(new Dictionary<string, string>(), []);
        }
        // --max-jobs 0: every build goes to the builders, so one that is down is an error, not a silent local build.
        var options = builders is null ? null : new[] { "--max-jobs", "0", "--builders", builders };
        var result = await nix.BuildAsync(derivations, keepGoing, cancellationToken, ClosureRoots.OutLink(rootDirectory), options, onActivity: onActivity).ConfigureAwait(false);
        if (result.Succeeded)
        {
            ClosureRoots.KeepFirst(rootDirectory, derivations.Count);
            return new ClosureBuildResult(FromJson(result.StandardOutput, toplevels, file), []);
        }

        var closures = new SortedDictionary<string, string>(StringComparer.Ordinal);
        // A fetch whose file has another hash leaves that file at its out path (not valid): Nix's own error tells.
        var failures = deliverables.Select(deliverable => (deliverable.Key, Own: FailureFor(result.StandardError, deliverable.Value.DrvPath), Built: Path.Exists(deliverable.Value.OutPath)))
            .Where(deliverable => deliverable.Own is not null || !deliverable.Built)
            .Select(deliverable => new Diagnostic(ErrorCodes.WorkloadDeliverableFailed, deliverable.Own is { } own
                ? $"The deliverable of workload '{deliverable.Key}' was not built (a fetch whose sha256 is not the file's is refused here, before any host is touched). Nix said:{Environment.NewLine}{own}"
                : $"The deliverable of workload '{deliverable.Key}' was not built. Nix said:{Environment.NewLine}{NixMessages.Trim(result.StandardError)}", file))
            .ToList();
        var noBuilder = builders is not null && NoBuilderSigns.Any(sign => result.StandardError.Contains(sign, StringComparison.Ordinal));
        foreach (var (machine, toplevel) in toplevels)
        {
            if (Path.Exists(toplevel.OutPath))
            {
                closures[machine] = toplevel.OutPath;
                continue;
            }
            if (noBuilder)
            {
                failures.Add(new Diagnostic(ErrorCodes.RemoteBuilderUnavailable,
                    $"The closure of machine '{machine}' was not built: no remote builder of NixDeployBuilders could take its build; check that they are up and reachable with this machine's SSH settings. Nix said:{Environment.NewLine}{BuilderFailures(result.StandardError)}", file));
                continue;
            }
            var message = FailureFor(result.StandardError, toplevel.DrvPath) is { } own
                ? $"The closure of machine '{machine}' failed to build; fix its configuration. Nix said:{Environment.NewLine}{own}"
                : keepGoing
                    ? $"The closure of machine '{machine}' failed to build. Nix said:{Environment.NewLine}{NixMessages.Trim(result.StandardError)}"
                    : $"The closure of machine '{machine}' was not built: Nix stopped at the first failure (set NixDeployKeepGoing=true to build the other machines anyway).";
            failures.Add(new Diagnostic(ErrorCodes.ClosureBuildFailed, message, file));
        }
        if (failures.Count == 0)
            failures.Add(new Diagnostic(ErrorCodes.ClosureBuildFailed, $"nix build failed (exit {result.ExitCode}):{Environment.NewLine}{NixMessages.Trim(result.StandardError)}", file));
        // The previous build's roots stay: its deployment.json is still the one to deploy.
        return new ClosureBuildResult(closures, failures);
    }

    private static SortedDictionary<string, string> FromJson(string json, IReadOnlyDictionary<string, Toplevel> toplevels, string? file)
    {
        // `nix build --json` lists results by derivation, not in the order asked: map them back by drvPath.
        using var document = JsonDocument.Parse(json);
        var outputs = document.RootElement.EnumerateArray().ToDictionary(
            entry => entry.GetProperty("drvPath").GetString()!,
            entry => entry.GetProperty("outputs").GetProperty("out").GetString()!,
            StringComparer.Ordinal);
        var closures = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (machine, toplevel) in toplevels)
        {
            var outPath = outputs.TryGetValue(toplevel.DrvPath, out var built)
                ? built
                : throw new NixDeployException(ErrorCodes.NixCommandFailed, $"nix build reported no result for machine '{machine}' ({toplevel.DrvPath}).", file);
            closures[machine] = StorePath.Require(outPath, $"The closure of {machine}", file);
        }
        return closures;
    }

    /// <summary>Nix's error, after its lines about each builder it could not use (which Nix prints before the error).</summary>
    private static string BuilderFailures(string stderr) =>
        string.Join(Environment.NewLine, stderr.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.StartsWith(CannotBuildOn, StringComparison.Ordinal))
            .Append(NixMessages.Trim(stderr)));

    /// <summary>Nix's own lines about this derivation: its failed builder and log tail, or its failed dependencies.</summary>
    private static string? FailureFor(string stderr, string drvPath)
    {
        var lines = stderr.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(line => line.StartsWith("error:", StringComparison.Ordinal) && line.Contains($"'{drvPath}'", StringComparison.Ordinal));
        if (start < 0)
            return null;
        var end = lines.FindIndex(start + 1, line => line.Length > 0 && !char.IsWhiteSpace(line[0]));
        return NixMessages.Trim(string.Join('\n', lines[start..(end < 0 ? lines.Count : end)]));
    }
}
