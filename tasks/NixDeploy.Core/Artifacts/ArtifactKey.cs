using System.Text.Json.Serialization;

namespace NixDeploy.Artifacts;

/// <summary>Which artifact: a machine's own (<see cref="Machine"/> set) or a shared one, one value for all its machines.</summary>
public sealed record ArtifactKey(string? Machine, string Name)
{
    [JsonIgnore]
    public bool Shared => Machine is null;

    /// <summary>Where its files live under the artifacts root: <c>per-machine/M/A</c> or <c>shared/A</c> (seed 000's layout).</summary>
    [JsonIgnore]
    public string RelativeDirectory => Shared ? Path.Combine("shared", Name) : Path.Combine("per-machine", Machine!, Name);

    /// <summary><c>web-1/wireguard</c> or <c>shared/cluster-token</c>: how errors, prompts and the tool name it.</summary>
    public override string ToString() => Shared ? $"shared/{Name}" : $"{Machine}/{Name}";
}
