using System.Text.Json.Serialization;
using NixDeploy.Blueprint;

namespace NixDeploy.Manifest;

/// <summary>
/// <c>deployment.json</c>: the complete contract for a rollout (seed 002's payload), what a control plane is handed:
/// the desired state of every machine of the fleet (the machines a build did not select keep what the previous
/// deployment recorded for them), the selection, the deploy policy, the caches, each machine's artifacts as files a
/// host can receive without the repository, plus what changed since the previous deployment.
/// It holds no timestamps, so identical inputs give an identical file.
/// </summary>
public sealed record DeploymentManifest(
    int SchemaVersion,
    string? GitCommit,
    bool GitDirty,
    // Absent in version 1, whose closures were the selection's only.
    DeploymentSelection? Selection,
    // Absent in version 1: the deploy settings' defaults apply.
    DeploymentPolicy? Policy,
    IReadOnlyDictionary<string, MachineSpec> Blueprint,
    IReadOnlyDictionary<string, string> Closures,
    bool Changed,
    IReadOnlyDictionary<string, ClosureChange> Changes,
    // Optional (absent without NixDeployCache items): the binary caches and the keys targets may trust.
    IReadOnlyDictionary<string, DeploymentCache>? Caches = null,
    // Optional (absent when no machine has any): each machine's artifacts: names, target paths, content hashes and,
    // where it can travel, the stored form (age ciphertext for secrets).
    IReadOnlyDictionary<string, IReadOnlyList<ManifestArtifact>>? Artifacts = null,
    // Optional (absent when no machine has secret artifact files): the key file each host decrypts its secrets with.
    IReadOnlyDictionary<string, string>? AgeIdentities = null,
    // Optional (absent without cloud-hypervisor machines): what each VM's worker needs to (re)start it.
    IReadOnlyDictionary<string, VmBoot>? Vms = null,
    // Optional (absent when no machine runs any, and in documents older than workloads): each machine's workloads.
    IReadOnlyDictionary<string, IReadOnlyList<ManifestWorkload>>? Workloads = null)
{
    public const int CurrentSchemaVersion = 2;

    /// <summary>Every version this SDK reads: version 1 has no selection, policy or artifact payloads.</summary>
    public static IReadOnlyList<int> ReadableSchemaVersions { get; } = [1, CurrentSchemaVersion];

    public static bool IsReadable(int schemaVersion) => ReadableSchemaVersions.Contains(schemaVersion);

    /// <summary>The machines the build that wrote this selected; in version 1, those with a closure.</summary>
    public IReadOnlyCollection<string> SelectedMachines => Selection?.Machines ?? (IReadOnlyCollection<string>)Closures.Keys.ToList();
}

/// <summary>How a machine's closure compares with the previous deployment.</summary>
public enum ClosureChange
{
    [JsonStringEnumMemberName("unchanged")] Unchanged,
    [JsonStringEnumMemberName("changed")] Changed,
    [JsonStringEnumMemberName("added")] Added,
    [JsonStringEnumMemberName("removed")] Removed,
}
