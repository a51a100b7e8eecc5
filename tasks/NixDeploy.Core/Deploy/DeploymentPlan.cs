using NixDeploy.Diagnostics;
using NixDeploy.Manifest;

namespace NixDeploy.Deploy;

/// <summary>Reads what to deploy from <c>deployment.json</c>: the selected machines' blueprint entries and closures.</summary>
public static class DeploymentPlan
{
    public static IReadOnlyList<MachinePlan> For(DeploymentManifest manifest, string manifestPath, IReadOnlyList<string> machines) =>
        machines.Select(name => manifest.Blueprint.TryGetValue(name, out var spec)
                ? new MachinePlan(name, spec.Deployment, manifest.Closures.GetValueOrDefault(name))
                : throw new NixDeployException(ErrorCodes.DeploymentManifestUnreadable,
                    $"Machine '{name}' is not in {manifestPath}: run the build again so that deployment.json matches the selection.", manifestPath))
            .ToList();
}
