namespace NixDeploy.Artifacts.Backends;

/// <summary>
/// A file as its backend keeps it: the SHA-256 of the stored form (the ciphertext for age, so no hash of a secret
/// is ever published) and, for backends that store in the repository, the file there.
/// </summary>
public sealed record StoredFile(string Backend, string Sha256, string? RepositoryPath);
