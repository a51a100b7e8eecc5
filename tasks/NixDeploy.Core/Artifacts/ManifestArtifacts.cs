using NixDeploy.Manifest;

namespace NixDeploy.Artifacts;

/// <summary>What deployment.json records of the artifact queue's result.</summary>
public static class ManifestArtifacts
{
    /// <summary>The manifest's view of a queue result: no owners, modes or storage, and never content.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<ManifestArtifact>>? From(ArtifactQueueResult result)
    {
        var machines = result.Machines.Where(pair => pair.Value.Count > 0).ToList();
        if (machines.Count == 0)
            return null;
        return new SortedDictionary<string, IReadOnlyList<ManifestArtifact>>(machines.ToDictionary(
            pair => pair.Key,
            pair => (IReadOnlyList<ManifestArtifact>)pair.Value
                .OrderBy(artifact => artifact.Shared).ThenBy(artifact => artifact.Name, StringComparer.Ordinal)
                .Select(artifact => new ManifestArtifact(artifact.Name, artifact.Shared,
                    new SortedDictionary<string, ManifestArtifactFile>(
                        artifact.Files.ToDictionary(file => file.Name, file => new ManifestArtifactFile(file.Path, file.Sha256)), StringComparer.Ordinal)))
                .ToList()), StringComparer.Ordinal);
    }
}
