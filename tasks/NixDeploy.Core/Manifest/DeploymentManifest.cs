using System.Text.Json.Serialization;
using NixDeploy.Blueprint;

namespace NixDeploy.Manifest;

/// <summary>
/// <c>deployment.json</c>: what to deploy (seed 002's payload) plus what changed since the previous one.
/// It holds no timestamps, so identical inputs give an identical file.
/// </summary>
public sealed record DeploymentManifest(
    int SchemaVersion,
    string? GitCommit,
    bool GitDirty,
    IReadOnlyDictionary<string, MachineSpec> Blueprint,
    IReadOnlyDictionary<string, string> Closures,
    bool Changed,
    IReadOnlyDictionary<string, ClosureChange> Changes,
    // Optional (absent without NixDeployCache items): the binary caches and the keys targets may trust.
    IReadOnlyDictionary<string, DeploymentCache>? Caches = null,
    // Optional (absent when no selected machine has any): each machine's artifacts, as names, target paths and
    // content hashes only.
    IReadOnlyDictionary<string, IReadOnlyList<ManifestArtifact>>? Artifacts = null,
    // Optional (absent without cloud-hypervisor machines): what each VM's worker needs to (re)start it.
    IReadOnlyDictionary<string, VmBoot>? Vms = null)
{
    public const int CurrentSchemaVersion = 1;
}

/// <summary>How a machine's closure compares with the previous deployment.</summary>
public enum ClosureChange
{
    [JsonStringEnumMemberName("unchanged")] Unchanged,
    [JsonStringEnumMemberName("changed")] Changed,
    [JsonStringEnumMemberName("added")] Added,
    [JsonStringEnumMemberName("removed")] Removed,
}
