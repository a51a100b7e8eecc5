using NixDeploy.Manifest;

namespace NixDeploy.Server.Rollouts;

/// <summary>
/// The deployment.json one engine run reads: the deployment's document narrowed to the machines this run takes (the
/// others were superseded, or are done), so the engine's selection check holds for exactly them.
/// </summary>
public static class RunManifest
{
    public static DeploymentManifest Narrow(DeploymentManifest manifest, IReadOnlyCollection<string> machines) => manifest with
    {
        Blueprint = manifest.Blueprint.Where(pair => machines.Contains(pair.Key)).ToDictionary(),
        Closures = manifest.Closures.Where(pair => machines.Contains(pair.Key)).ToDictionary(),
    };
}
