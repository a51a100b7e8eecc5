namespace NixDeploy.Manifest;

/// <summary>A machine's artifact as deployment.json records it: its name, and each file's target, content hash and stored form.</summary>
public sealed record ManifestArtifact(string Name, bool Shared, IReadOnlyDictionary<string, ManifestArtifactFile> Files);

/// <param name="Sha256">The stored form's SHA-256 (the ciphertext for age-encrypted files); null when the artifact is regenerated every time.</param>
/// <param name="Payload">
/// The stored form, base64: age ciphertext to the hosts' keys for a secret, the content of a public file. Null when
/// it cannot travel without being in clear (a command backend's or an ephemeral artifact's secret; version 1).
/// </param>
public sealed record ManifestArtifactFile(
    string Path, string? Sha256, bool? Secret = null, string? Owner = null, string? Group = null, string? Mode = null, string? Payload = null);
