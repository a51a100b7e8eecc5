namespace NixDeploy.Manifest;

/// <summary>
/// A cache as <c>deployment.json</c> records it: where it is and the public key its paths are signed with, so a
/// deploy (or anyone reading the artifact) knows what to trust. Never a secret: URLs with credentials are refused.
/// </summary>
public sealed record DeploymentCache(string Url, string? PublicKey, bool UseForDeploy);
