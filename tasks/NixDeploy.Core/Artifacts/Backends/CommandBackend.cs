using System.Text;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;

namespace NixDeploy.Artifacts.Backends;

/// <summary>
/// A user's backend (<c>artifacts.backend.NAME</c>): two scripts, e.g. around a password manager. Both get
/// <c>$machine</c> (empty for a shared artifact), <c>$artifact</c>, <c>$file</c>, <c>$shared</c> (1 or 0) and <c>$secret</c> (1 or 0).
/// <c>serialize</c> stores the file at <c>$in</c>; <c>deserialize</c> prints the stored content and exits 0, or exits
/// <see cref="NotStoredExitCode"/> when it has none (any other failure is an error, never a reason to regenerate).
/// </summary>
public sealed class CommandBackend(string name, CommandBackendScripts scripts, ArtifactScriptRunner runner) : IArtifactBackend
{
    public const int NotStoredExitCode = 1;

    public string Name { get; } = name;

    public async Task<StoredFile?> LoadAsync(ArtifactFile file, CancellationToken cancellationToken)
    {
        var content = await ReadAsync(file, cancellationToken).ConfigureAwait(false);
        return content is null ? null : new StoredFile(Name, FileHashes.Sha256Of(content), null);
    }

    /// <summary>The stored content, for delivery; null when it is not stored.</summary>
    public async Task<byte[]?> ReadAsync(ArtifactFile file, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(scripts.Deserialize, $"deserialize script of backend {Name} for {file}", Environment(file, null), null, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode == NotStoredExitCode)
            return null;
        if (!result.Succeeded)
            throw new NixDeployException(ErrorCodes.ArtifactDeserializeFailed,
                $"The deserialize script of backend '{Name}' failed for {file} (exit {result.ExitCode}): {NixMessages.Trim(result.StandardError)} It must print the content and exit 0, or exit {NotStoredExitCode} when nothing is stored.");
        return Encoding.UTF8.GetBytes(result.StandardOutput);
    }

    public async Task StoreAsync(ArtifactFile file, string generatedPath, RepositoryWrites writes, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(scripts.Serialize, $"serialize script of backend {Name} for {file}", Environment(file, generatedPath), null, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new NixDeployException(ErrorCodes.ArtifactSerializeFailed,
                $"The serialize script of backend '{Name}' failed for {file} (exit {result.ExitCode}): {NixMessages.Trim(result.StandardError)}");
    }

    private static Dictionary<string, string?> Environment(ArtifactFile file, string? input) => new()
    {
        ["machine"] = file.Artifact.Key.Machine ?? "",
        ["artifact"] = file.Artifact.Key.Name,
        ["file"] = file.File.Name,
        ["shared"] = file.Artifact.Key.Shared ? "1" : "0",
        ["secret"] = file.File.Secret ? "1" : "0",
        ["in"] = input,
    };
}
