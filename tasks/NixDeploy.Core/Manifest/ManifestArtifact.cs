namespace NixDeploy.Manifest;

/// <summary>A machine's artifact as deployment.json records it: its name, and each file's target path and content hash.</summary>
public sealed record ManifestArtifact(string Name, bool Shared, IReadOnlyDictionary<string, ManifestArtifactFile> Files);

/// <param name="Sha256">The stored form's SHA-256 (the ciphertext for age-encrypted files); null when the artifact is regenerated every time.</param>
public sealed record ManifestArtifactFile(string Path, string? Sha256);
