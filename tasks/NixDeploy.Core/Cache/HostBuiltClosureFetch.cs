using System.Collections.Concurrent;
using NixDeploy.Diagnostics;
using NixDeploy.Manifest;
using NixDeploy.Nix;
using NixDeploy.Ssh;

namespace NixDeploy.Cache;

/// <summary>
/// NixDeployBuildOn=target: each closure was built on its machine's host and never copied back, but a push uploads
/// from the local store. So before a push, each selected machine's closure that the local store lacks comes back
/// from its host (<c>nix copy --from ssh://</c>, reached with the deploy's SSH settings).
/// </summary>
public sealed class HostBuiltClosureFetch(NixCli nix, SshOptions ssh, int parallelism)
{
    /// <summary>One ND1215 per machine whose host could not give its closure back; empty when every closure is local now.</summary>
    public async Task<IReadOnlyList<Diagnostic>> FetchAsync(DeploymentManifest manifest, string file, CancellationToken cancellationToken)
    {
        var machines = manifest.SelectedMachines.Where(manifest.Closures.ContainsKey).ToList();
        var failures = new ConcurrentDictionary<string, Diagnostic>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(machines, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (machine, token) =>
        {
            var closure = manifest.Closures[machine];
            // A closure already here (built or fetched earlier) needs no host: that host may well be down.
            if ((await nix.RunAsync(NixCli.WithFeatures("path-info", closure), token).ConfigureAwait(false)).Succeeded)
                return;
            var host = SshTarget.From(machine, manifest.Blueprint[machine].Deployment, file);
            // The host built these paths itself, so nobody signed them: they are trusted as the deploy trusts the host.
            var copy = await nix.RunAsync(NixCli.WithFeatures("copy", "--no-check-sigs", "--from", SshArguments.NixStoreUri(host), closure),
                token, SshArguments.NixSshEnvironment(ssh, host)).ConfigureAwait(false);
            if (!copy.Succeeded)
                failures[machine] = new Diagnostic(ErrorCodes.HostClosureUnreachable,
                    $"The closure of machine '{machine}' was built on its host {host} (NixDeployBuildOn=target) and could not be copied back from there for the cache push; nothing was pushed. Make the host reachable (or build again) and push again. Nix said:{Environment.NewLine}{NixMessages.Trim(copy.StandardError)}",
                    file);
        }).ConfigureAwait(false);
        return failures.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Value).ToList();
    }
}
