using System.Text.Json.Serialization;

namespace NixDeploy.Artifacts;

/// <summary>
/// What the queue made of each selected machine's artifacts, saved under obj/ for the manifest and Deploy. It holds
/// where files go and the hash of their stored form, never content.
/// </summary>
public sealed record ArtifactQueueResult(IReadOnlyDictionary<string, IReadOnlyList<ArtifactResult>> Machines)
{
    public static readonly ArtifactQueueResult Empty = new(new SortedDictionary<string, IReadOnlyList<ArtifactResult>>(StringComparer.Ordinal));
}

public sealed record ArtifactResult(string Name, bool Shared, ArtifactOutcome Outcome, IReadOnlyList<ArtifactFileResult> Files);

/// <param name="Backend">The backend holding it; null for an ephemeral artifact, which is not stored.</param>
/// <param name="Sha256">The stored form's hash (ciphertext for age); null when not stored.</param>
/// <param name="RepositoryPath">The file in the repository, for backends that keep it there.</param>
public sealed record ArtifactFileResult(
    string Name, string Path, bool Secret, string Owner, string Group, string Mode, string? Backend, string? Sha256, string? RepositoryPath);

public enum ArtifactOutcome
{
    /// <summary>Every file was deserialized: nothing ran.</summary>
    [JsonStringEnumMemberName("reused")] Reused,
    /// <summary>The generator ran and its files were serialized.</summary>
    [JsonStringEnumMemberName("generated")] Generated,
    /// <summary>Serialization is skipped: generated afresh, never stored.</summary>
    [JsonStringEnumMemberName("ephemeral")] Ephemeral,
}
