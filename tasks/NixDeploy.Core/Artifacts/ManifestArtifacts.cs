namespace NixDeploy.Artifacts;

/// <summary>A machine's artifact as deployment.json records it: its name, and each file's target path and content hash.</summary>
public sealed record ManifestArtifact(string Name, bool Shared, IReadOnlyDictionary<string, ManifestArtifactFile> Files)
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

/// <param name="Sha256">The stored form's SHA-256 (the ciphertext for age-encrypted files); null when the artifact is regenerated every time.</param>
public sealed record ManifestArtifactFile(string Path, string? Sha256);
