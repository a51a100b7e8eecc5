using System.Text.Json.Serialization;

namespace NixDeploy.Artifacts;

/// <summary>
/// Every artifact the flake declares, its config and its command backends: what EvaluateArtifacts leaves under obj/
/// for the queue. A flake without an artifacts output has an empty store. <see cref="DeclarationFile"/> (the flake's
/// flake.nix; null for a remote flake) is what errors about its scripts name.
/// </summary>
public sealed record ArtifactStore(
    IReadOnlyList<ArtifactDeclaration> Artifacts,
    ArtifactConfig Config,
    IReadOnlyDictionary<string, CommandBackendScripts> Backends,
    string? DeclarationFile)
{
    public static readonly ArtifactStore Empty = new([], ArtifactConfig.Default, new Dictionary<string, CommandBackendScripts>(), null);

    /// <summary>The artifacts the given machines use: their own, and each shared one once.</summary>
    public IReadOnlyList<ArtifactDeclaration> UsedBy(IEnumerable<string> machines)
    {
        var selected = machines.ToHashSet(StringComparer.Ordinal);
        return Artifacts.Where(artifact => artifact.Machines.Any(selected.Contains)).ToList();
    }

    /// <summary>Whether a build must run the queue even when no file changed: a command backend's store or an ephemeral artifact may differ.</summary>
    [JsonIgnore]
    public bool NeedsQueueEveryBuild => Artifacts.Any(artifact => artifact.Ephemeral
        || !ArtifactBackendNames.IsBuiltIn(artifact.SerializeBackend) || !ArtifactBackendNames.IsBuiltIn(artifact.DeserializeBackend));
}

/// <summary><c>artifacts.backend.NAME</c>: a user's scripts that store and load one file, e.g. in a password manager.</summary>
public sealed record CommandBackendScripts(NixScript Serialize, NixScript Deserialize);
