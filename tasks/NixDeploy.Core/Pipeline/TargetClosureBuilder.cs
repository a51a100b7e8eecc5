using System.Collections.Concurrent;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Ssh;

namespace NixDeploy.Pipeline;

/// <summary>
/// NixDeployBuildOn=target: each machine builds its own closure on its host, as colmena's <c>buildOnTarget</c>.
/// The derivations go there (<c>nix copy --derivation</c>), the host's Nix builds them (<c>nix build --store
/// ssh-ng://</c>), and nothing comes back: the closure is recorded as evaluated and Deploy finds it on the host.
/// </summary>
public sealed class TargetClosureBuilder(NixCli nix, SshOptions ssh, int parallelism)
{
    public async Task<ClosureBuildResult> BuildAsync(IReadOnlyDictionary<string, Toplevel> toplevels, IReadOnlyDictionary<string, MachineSpec> blueprint, string? file, CancellationToken cancellationToken)
    {
        var closures = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var failures = new ConcurrentDictionary<string, Diagnostic>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(toplevels, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (pair, token) =>
        {
            var (machine, toplevel) = pair;
            if (await BuildOnHostAsync(machine, toplevel, SshTarget.From(machine, blueprint[machine].Deployment, file), file, token).ConfigureAwait(false) is { } failure)
                failures[machine] = failure;
            else
                closures[machine] = toplevel.OutPath;
        }).ConfigureAwait(false);
        return new ClosureBuildResult(
            new SortedDictionary<string, string>(closures, StringComparer.Ordinal),
            failures.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Value).ToList());
    }

    private async Task<Diagnostic?> BuildOnHostAsync(string machine, Toplevel toplevel, SshTarget host, string? file, CancellationToken cancellationToken)
    {
        var environment = SshArguments.NixSshEnvironment(ssh, host);
        var copy = await nix.RunAsync(NixCli.WithFeatures("copy", "--derivation", "--to", SshArguments.NixStoreUri(host), toplevel.DrvPath), cancellationToken, environment).ConfigureAwait(false);
        if (!copy.Succeeded)
            return Failure($"The derivation of machine '{machine}' could not be copied to its host {host} (NixDeployBuildOn=target); nothing was built or deployed.", copy.StandardError, file);
        var build = await nix.BuildAsync([toplevel.DrvPath], keepGoing: false, cancellationToken,
            options: ["--store", SshArguments.NixDaemonStoreUri(host)], environment: environment).ConfigureAwait(false);
        return build.Succeeded
            ? null
            : Failure($"The closure of machine '{machine}' failed to build on its host {host} (NixDeployBuildOn=target); fix its configuration, or let the host build (its Nix, disk and features), or build elsewhere (NixDeployBuildOn=local).", build.StandardError, file);
    }

    private static Diagnostic Failure(string message, string stderr, string? file) =>
        new(ErrorCodes.TargetBuildFailed, $"{message} Nix said:{Environment.NewLine}{NixMessages.Trim(stderr)}", file);
}
