using NixDeploy.Manifest;

namespace NixDeploy.Artifacts;

/// <summary>What deployment.json records of the artifact queue's result.</summary>
public static class ManifestArtifacts
{
    /// <summary>
    /// The manifest's view of a queue result: each file's target, owner, group, mode, the hash of its stored form
    /// and, when that form may travel, the form itself: age ciphertext for a secret (only the hosts' and admins' keys
    /// decrypt it), the content of a public file. A secret that exists only in clear on the deployer (a command
    /// backend's, an ephemeral one's) is never carried.
    /// </summary>
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
                    new SortedDictionary<string, ManifestArtifactFile>(artifact.Files.ToDictionary(file => file.Name,
                        file => new ManifestArtifactFile(file.Path, file.Sha256, file.Secret, file.Owner, file.Group, file.Mode, Payload(file))), StringComparer.Ordinal)))
                .ToList()), StringComparer.Ordinal);
    }

    /// <summary>The key file each machine with secret files decrypts them with on its host; null when none has any.</summary>
    public static IReadOnlyDictionary<string, string>? AgeIdentities(ArtifactQueueResult result, ArtifactStore store)
    {
        var identities = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (machine, artifacts) in result.Machines.Where(pair => pair.Value.Any(artifact => artifact.Files.Any(file => file.Secret))))
            identities[machine] = store.Config.Age.IdentityFileOf(machine);
        return identities.Count > 0 ? identities : null;
    }

    // Only what the repository holds travels: a secret there is age ciphertext; public files are plain.
    private static string? Payload(ArtifactFileResult file) =>
        file.RepositoryPath is { } stored && (!file.Secret || file.Backend == ArtifactBackendNames.Age)
            ? Convert.ToBase64String(File.ReadAllBytes(stored))
            : null;
}
