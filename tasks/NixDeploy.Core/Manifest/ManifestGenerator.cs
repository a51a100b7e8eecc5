using NixDeploy.Diagnostics;
using NixDeploy.Git;
using NixDeploy.Processes;

namespace NixDeploy.Manifest;

/// <summary>
/// GenerateArtifacts' deployment artifact: the whole fleet's desired state, the selection and the policy, compared
/// with the previous deployment. Only the selected machines were evaluated and built; every other machine keeps its
/// blueprint entry, closure, artifacts and VM from the previous deployment.json (NixDeployPreviousManifest, else the
/// file being replaced), so a selection never makes the rest of the fleet's desired state vanish. A machine that left
/// the blueprint is gone (and <c>removed</c>).
/// </summary>
public static class ManifestGenerator
{
    public static async Task<DeploymentManifest> CreateAsync(ProcessRunner runner, ManifestRequest request, CancellationToken cancellationToken)
    {
        var evaluation = request.Evaluation;
        var previous = string.IsNullOrEmpty(request.PreviousManifest) ? null : ManifestFile.Read(request.PreviousManifest);
        var unselected = evaluation.Blueprint.Keys.Except(evaluation.Selected, StringComparer.Ordinal).ToList();
        var kept = unselected.Count > 0 ? previous ?? Replaced(request.ManifestFile) : null;
        var flakeFile = Directory.Exists(request.FlakeDirectory) ? Path.Combine(request.FlakeDirectory, "flake.nix") : null;
        var git = Directory.Exists(request.FlakeDirectory)
            ? await GitInfo.ReadAsync(runner, request.FlakeDirectory, cancellationToken).ConfigureAwait(false)
            : GitInfo.None;

        var blueprint = Sorted(evaluation.Blueprint);
        var closures = Sorted(request.Closures);
        var artifacts = Sorted(request.Artifacts);
        var identities = Sorted(request.AgeIdentities);
        var vms = Sorted(VmBoot.ReadAll(evaluation.Blueprint, request.Closures, flakeFile));
        var workloads = ManifestWorkloads.From(evaluation, flakeFile);
        foreach (var machine in unselected)
        {
            if (kept?.Closures.TryGetValue(machine, out var closure) != true)
                continue;
            closures[machine] = closure!;
            blueprint[machine] = kept.Blueprint.GetValueOrDefault(machine) ?? blueprint[machine];
            Keep(kept.Artifacts, artifacts, machine);
            Keep(kept.AgeIdentities, identities, machine);
            Keep(kept.Vms, vms, machine);
            Keep(kept.Workloads, workloads, machine);
        }
        if (request.SelfContained)
            RequireCarried(artifacts, flakeFile);

        // Only this build's machines are judged: the others' state is the previous deployment's.
        var changes = WorkloadChanges.Apply(
            ArtifactChanges.Apply(ChangeDetector.Compare(request.Closures, evaluation.Blueprint.Keys.ToList(), previous), artifacts, previous), workloads, previous);
        return new DeploymentManifest(
            DeploymentManifest.CurrentSchemaVersion,
            git.Commit,
            git.Dirty,
            new DeploymentSelection(string.IsNullOrWhiteSpace(request.Selection) ? null : request.Selection.Trim(), evaluation.Selected.Order(StringComparer.Ordinal).ToList()),
            request.Policy,
            blueprint,
            closures,
            changes.Values.Any(change => change != ClosureChange.Unchanged),
            changes,
            request.Caches is { Count: > 0 } ? request.Caches : null,
            NullIfEmpty(artifacts),
            NullIfEmpty(identities),
            NullIfEmpty(vms),
            NullIfEmpty(workloads));
    }

    // Without NixDeployPreviousManifest, the deployment.json this build replaces holds the other machines' state. One
    // that cannot be read must not silently drop them.
    private static DeploymentManifest? Replaced(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            return ManifestFile.Read(path);
        }
        catch (NixDeployException e)
        {
            throw new NixDeployException(ErrorCodes.ReplacedManifestUnreadable,
                $"{path} cannot be read ({e.Diagnostics[0].Message}), so the machines this build does not select (NixDeployOn) would lose their desired state. "
                + "Build every machine (no NixDeployOn), point NixDeployPreviousManifest at the last deployment's deployment.json, or delete the file.", path);
        }
    }

    // A control plane deploys from the document alone: a file it does not carry could not be placed there.
    private static void RequireCarried(IReadOnlyDictionary<string, IReadOnlyList<ManifestArtifact>> artifacts, string? flakeFile)
    {
        var errors = artifacts
            .SelectMany(machine => machine.Value.SelectMany(artifact => artifact.Files
                .Where(file => file.Value.Payload is null)
                .Select(file => new Diagnostic(ErrorCodes.ArtifactNotCarried,
                    $"{machine.Key}: file '{file.Key}' of artifact '{(artifact.Shared ? "shared/" : "")}{artifact.Name}' cannot travel in deployment.json, which NixDeployControlPlane needs to deploy without the repository: "
                    + "only files stored in the repository (age-encrypted secrets, public files) are carried, never a secret in clear. Store the artifact with the age backend "
                    + "(not a command backend, not serialize = \"none\"), or, when the file comes from an earlier deployment.json, build this machine again (NixDeployOn).", flakeFile))))
            .ToList();
        if (errors.Count > 0)
            throw new NixDeployException(errors);
    }

    private static void Keep<T>(IReadOnlyDictionary<string, T>? from, SortedDictionary<string, T> to, string machine)
    {
        if (from?.TryGetValue(machine, out var value) == true)
            to[machine] = value;
    }

    private static SortedDictionary<string, T> Sorted<T>(IReadOnlyDictionary<string, T>? values) =>
        new(values?.ToDictionary() ?? [], StringComparer.Ordinal);

    private static SortedDictionary<string, T>? NullIfEmpty<T>(SortedDictionary<string, T> values) => values.Count > 0 ? values : null;
}
