using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Manifest;

namespace NixDeploy.Deploy;

/// <summary>Reads what to deploy from <c>deployment.json</c>: the chosen machines' blueprint entries and closures.</summary>
public static class DeploymentPlan
{
    /// <param name="machines">The build's selected machines (@(NixDeployMachine)).</param>
    /// <param name="selection">The deploy's own NixDeployOn: the build's machines and the manifest's selection must be what it selects.</param>
    public static IReadOnlyList<MachinePlan> For(DeploymentManifest manifest, string manifestPath, IReadOnlyList<string> machines, string? selection)
    {
        RequireSelected(manifest, manifestPath, machines, selection);
        RequirePush(manifest, manifestPath, machines);
        return For(manifest, manifestPath, machines);
    }

    // A pull machine is deployed by its own agent, which only a control plane tells what to apply.
    private static void RequirePush(DeploymentManifest manifest, string manifestPath, IReadOnlyList<string> machines)
    {
        var pull = machines.Where(name => manifest.Blueprint.TryGetValue(name, out var spec) && spec.Deployment.IsPull).ToList();
        if (pull.Count > 0)
            throw new NixDeployException(ErrorCodes.PullMachineNeedsControlPlane,
                $"{string.Join(", ", pull)} {(pull.Count == 1 ? "is a pull machine" : "are pull machines")} (deployment.mode = \"pull\"): only {(pull.Count == 1 ? "its agent deploys it" : "their agents deploy them")}, from a control plane. Set NixDeployControlPlane to deploy through it, or select only push machines (NixDeployOn); nothing was deployed.",
                manifestPath);
    }

    /// <summary>
    /// The plans of <paramref name="machines"/> as the document holds them, with no build to agree with: for a
    /// process that deploys from deployment.json alone and chooses the machines itself (a control plane).
    /// </summary>
    public static IReadOnlyList<MachinePlan> For(DeploymentManifest manifest, string manifestPath, IReadOnlyList<string> machines) =>
        machines.Select(name => manifest.Blueprint.TryGetValue(name, out var spec)
                ? new MachinePlan(name, spec.Deployment, manifest.Closures.GetValueOrDefault(name))
                : throw new NixDeployException(ErrorCodes.DeploymentManifestUnreadable,
                    $"Machine '{name}' is not in {manifestPath}: run the build again so that deployment.json holds it.", manifestPath))
            .ToList();

    // Another build of the project (another selection) must never decide what this deploy touches. A selected
    // machine may lack a closure (a keep-going build that failed for it), which its own deploy reports.
    private static void RequireSelected(DeploymentManifest manifest, string manifestPath, IReadOnlyList<string> machines, string? selection)
    {
        var selected = SelectionIn(manifest, selection);
        var built = manifest.SelectedMachines;
        var foreign = machines.Concat(built).Where(machine => !selected.Contains(machine)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (foreign.Count == 0 && selected.SetEquals(machines))
            return;
        throw new NixDeployException(ErrorCodes.DeploySelectionMismatch,
            $"This deploy selects {Describe(selected)} (NixDeployOn='{selection}'), but the build's machines are {Describe(machines)} and {manifestPath} was built for {Describe(built)}"
            + (foreign.Count > 0 ? $": {string.Join(", ", foreign)} {(foreign.Count == 1 ? "was" : "were")} not selected" : "")
            + ". Another build of this project changed them while this one ran; nothing was deployed. Build and deploy again.",
            manifestPath);
    }

    private static HashSet<string> SelectionIn(DeploymentManifest manifest, string? selection)
    {
        try
        {
            return MachineSelector.Select(manifest.Blueprint, selection, null).ToHashSet(StringComparer.Ordinal);
        }
        catch (NixDeployException e) when (e.Diagnostics.All(diagnostic => diagnostic.Code == ErrorCodes.SelectionMatchesNothing))
        {
            return [];
        }
    }

    private static string Describe(IEnumerable<string> machines) =>
        machines.Any() ? string.Join(", ", machines.Order(StringComparer.Ordinal)) : "none";
}
