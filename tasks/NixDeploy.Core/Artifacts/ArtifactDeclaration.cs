using System.Text.Json.Serialization;

namespace NixDeploy.Artifacts;

/// <summary>
/// One artifact as the flake declares it (seed 000's store): what to ask, which files come out of the generator and
/// where they go on the target, and which backends store it. <see cref="Machines"/> are the machines that use it:
/// one for a per-machine artifact, every machine declaring it for a shared one.
/// </summary>
public sealed record ArtifactDeclaration(
    ArtifactKey Key,
    IReadOnlyDictionary<string, PromptDeclaration> Prompts,
    IReadOnlyDictionary<string, FileDeclaration> Files,
    NixScript Generator,
    string SerializeBackend,
    string DeserializeBackend,
    IReadOnlyList<string> Machines)
{
    /// <summary>Serialization skipped (backend <c>none</c>): generated afresh every time, never stored.</summary>
    [JsonIgnore]
    public bool Ephemeral => SerializeBackend == ArtifactBackendNames.None || DeserializeBackend == ArtifactBackendNames.None;
}

/// <summary>A question whose answer the generator reads from <c>$prompt/NAME</c>.</summary>
public sealed record PromptDeclaration(string Name, string Description, PromptType Type);

public enum PromptType
{
    Line,
    Hidden,
    Multiline,
}

/// <summary>One file the generator must write to <c>$out/NAME</c>, and how it is placed on the target.</summary>
public sealed record FileDeclaration(string Name, string Path, bool Secret, string Owner, string Group, string Mode);

/// <summary>A shell script from the flake and the store derivations it refers to, which are built before it runs.</summary>
public sealed record NixScript(string Text, IReadOnlyList<string> Needs);
