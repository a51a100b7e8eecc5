using NixDeploy.Git;
using NixDeploy.Pipeline;
using NixDeploy.Processes;

namespace NixDeploy.Manifest;

/// <summary>GenerateArtifacts' deployment artifact: blueprint + closures + git commit, compared with the previous one.</summary>
public static class ManifestGenerator
{
    public static async Task<DeploymentManifest> CreateAsync(
        ProcessRunner runner,
        FleetEvaluation evaluation,
        IReadOnlyDictionary<string, string> closures,
        string flakeDirectory,
        string? previousManifestPath,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, DeploymentCache>? caches = null,
        IReadOnlyDictionary<string, IReadOnlyList<ManifestArtifact>>? artifacts = null)
    {
        var previous = string.IsNullOrEmpty(previousManifestPath) ? null : ManifestFile.Read(previousManifestPath);
        var git = Directory.Exists(flakeDirectory)
            ? await GitInfo.ReadAsync(runner, flakeDirectory, cancellationToken).ConfigureAwait(false)
            : GitInfo.None;
        var changes = ArtifactChanges.Apply(ChangeDetector.Compare(closures, evaluation.Blueprint.Keys.ToList(), previous), artifacts, previous);
        return new DeploymentManifest(
            DeploymentManifest.CurrentSchemaVersion,
            git.Commit,
            git.Dirty,
            evaluation.Blueprint,
            new SortedDictionary<string, string>(closures.ToDictionary(), StringComparer.Ordinal),
            changes.Values.Any(change => change != ClosureChange.Unchanged),
            changes,
            caches is { Count: > 0 } ? caches : null,
            artifacts,
            VmBoot.ReadAll(evaluation.Blueprint, closures, Directory.Exists(flakeDirectory) ? Path.Combine(flakeDirectory, "flake.nix") : null));
    }
}
