using NixDeploy.Pipeline;

namespace NixDeploy.Manifest;

/// <summary>What GenerateArtifacts hands the manifest: this build's evaluation and closures, the project's settings and the artifacts.</summary>
/// <param name="Closures">The selected machines' built closures.</param>
/// <param name="ManifestFile">The deployment.json being replaced: without a previous manifest, the unselected machines keep what it holds.</param>
/// <param name="Selection">NixDeployOn as given; empty for every machine.</param>
/// <param name="SelfContained">The document must deploy without the repository (a control plane is set): every artifact file must travel in it.</param>
/// <param name="Artifacts">The selected machines' artifacts.</param>
/// <param name="AgeIdentities">The selected machines' host key files for their secrets.</param>
public sealed record ManifestRequest(
    FleetEvaluation Evaluation,
    IReadOnlyDictionary<string, string> Closures,
    string FlakeDirectory,
    string ManifestFile,
    string? PreviousManifest,
    string? Selection,
    DeploymentPolicy Policy,
    bool SelfContained = false,
    IReadOnlyDictionary<string, DeploymentCache>? Caches = null,
    IReadOnlyDictionary<string, IReadOnlyList<ManifestArtifact>>? Artifacts = null,
    IReadOnlyDictionary<string, string>? AgeIdentities = null);
