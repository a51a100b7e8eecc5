using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Live;
using NixDeploy.Manifest;
using NixDeploy.Processes;

namespace NixDeploy.Tool.Fleet;

/// <summary>The selected machines of a built fleet as live hosts, reached with the project's SSH settings.</summary>
public static class LiveFleet
{
    public static IReadOnlyList<LiveHost> Hosts(DeploymentManifest manifest, FleetSettings settings, IReadOnlyList<string> machines) =>
        machines.Select(machine => manifest.Blueprint.TryGetValue(machine, out var spec)
                ? spec.Deployment.IsPull
                    ? throw new NixDeployException(ErrorCodes.PullMachineNeedsControlPlane,
                        $"{machine} is a pull machine (deployment.mode = \"pull\"): nothing connects to it, its agent applies what the control plane says. Select push machines (--on), or ask the control plane (--server).")
                    : new LiveHost(machine, spec.Deployment, settings.Deploy.Ssh, NullCommandLog.Instance)
                : throw new NixDeployException(ErrorCodes.UnknownMachine,
                    $"'{machine}' is not a machine of this fleet (deployment.json has {string.Join(", ", manifest.Blueprint.Keys)})."))
            .ToList();

    /// <summary>The machines named by a --on selection (all when empty), as the SDK selects them.</summary>
    public static IReadOnlyList<string> Select(DeploymentManifest manifest, string? selection) =>
        MachineSelector.Select(manifest.Blueprint, selection, file: null);

    /// <summary>Runs <paramref name="action"/> for every host (or machine), at most <paramref name="parallelism"/> at once, results in their order.</summary>
    public static async Task<IReadOnlyList<T>> ForEachAsync<THost, T>(IReadOnlyList<THost> hosts, int parallelism, Func<THost, Task<T>> action)
    {
        using var slots = new SemaphoreSlim(parallelism);
        return await Task.WhenAll(hosts.Select(async host =>
        {
            await slots.WaitAsync();
            try
            {
                return await action(host);
            }
            finally
            {
                slots.Release();
            }
        }));
    }
}
