using Microsoft.Build.Framework;
using NixDeploy.Cache;
using NixDeploy.Artifacts;
using NixDeploy.Deploy;
using NixDeploy.Manifest;
using NixDeploy.Pipeline;

namespace NixDeploy.Tasks;

/// <summary>
/// Writes deployment.json (git commit, selection, deploy policy, every machine's blueprint entry and closure, caches,
/// artifacts, changes) atomically and only when it changed.
/// </summary>
public sealed class GenerateDeploymentManifest : NixDeployTask
{
    [Required] public string EvaluationFile { get; set; } = "";

    [Required] public string ClosuresFile { get; set; } = "";

    [Required] public string FlakeDirectory { get; set; } = "";

    public string? PreviousManifest { get; set; }

    /// <summary>$(NixDeployOn), recorded as the selection.</summary>
    public string? Selection { get; set; }

    // The deploy policy, as text like the Deploy task's, parsed by the same core code: the document records the values
    // a Deploy of this project would use.
    public string? Parallelism { get; set; }

    public string? OnFailure { get; set; }

    public string? ConfirmTimeout { get; set; }

    public string? ActivationTimeout { get; set; }

    /// <summary>$(NixDeployWaves), $(NixDeployMaxFailures), $(NixDeployRollbackWave): recorded, so a control plane rolls out in the same waves.</summary>
    public string? Waves { get; set; }

    public string? MaxFailures { get; set; }

    public string? RollbackWave { get; set; }

    /// <summary>$(NixDeployControlPlane): when set, the document must deploy without the repository (every artifact file carried).</summary>
    public string? ControlPlane { get; set; }

    /// <summary>The artifact queue's result (obj/), whose names, paths, hashes and stored forms go into the manifest.</summary>
    public string? ArtifactsFile { get; set; }

    /// <summary>The evaluated artifact store (obj/): each host's key file for its secrets.</summary>
    public string? ArtifactStoreFile { get; set; }

    [Required] public string ManifestFile { get; set; } = "";

    /// <summary>@(NixDeployCache): recorded with their public keys (never a secret) in the manifest's caches section.</summary>
    public ITaskItem[] Caches { get; set; } = [];

    /// <summary>Whether any machine's closure differs from the previous deployment: CI can skip the rest when false.</summary>
    [Output] public bool Changed { get; private set; }

    /// <summary>Machines whose closure is new or changed, with metadata <c>Change</c>.</summary>
    [Output] public ITaskItem[] ChangedMachines { get; private set; } = [];

    /// <summary>@(_NixDeploySettingLayer): the files that can set the policy's settings, for their errors.</summary>
    public ITaskItem[] SettingLayers { get; set; } = [];

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var layers = SettingLayerItems.Read(ProjectFile, SettingLayers);
        var policy = new DeploySettingsText(null, null, null, null, Parallelism, OnFailure, null, ConfirmTimeout, ActivationTimeout,
            Waves: Waves, MaxFailures: MaxFailures, RollbackWave: RollbackWave).ParsePolicy(layers);
        var artifacts = string.IsNullOrEmpty(ArtifactsFile) ? ArtifactQueueResult.Empty : ArtifactIntermediateFiles.ReadResult(ArtifactsFile);
        var store = string.IsNullOrEmpty(ArtifactStoreFile) || !File.Exists(ArtifactStoreFile) ? null : ArtifactIntermediateFiles.ReadStore(ArtifactStoreFile);
        var manifest = await ManifestGenerator.CreateAsync(CreateRunner(), new ManifestRequest(
                EvaluationFiles.ReadEvaluation(EvaluationFile),
                EvaluationFiles.ReadClosures(ClosuresFile),
                FlakeDirectory,
                ManifestFile,
                PreviousManifest,
                Selection,
                policy,
                !string.IsNullOrWhiteSpace(ControlPlane),
                DeploymentCaches.From(PushCacheItems.Parse(Caches, ProjectFile), ProjectFile),
                ManifestArtifacts.From(artifacts),
                store is null ? null : ManifestArtifacts.AgeIdentities(artifacts, store)),
            cancellationToken);
        // A wave naming no machine of the blueprint (a misspelt canary) fails the build, blaming where it is set.
        DeployWave.Assign(WaveSpec.ParseList(policy.Waves, layers), manifest.SelectedMachines, manifest.Blueprint, layers);
        var written = NixDeploy.Manifest.ManifestFile.Write(ManifestFile, manifest);
        Changed = manifest.Changed;
        ChangedMachines = manifest.Changes
            .Where(change => change.Value != ClosureChange.Unchanged)
            .Select(change =>
            {
                var item = new Microsoft.Build.Utilities.TaskItem(change.Key);
                item.SetMetadata("Change", change.Value.ToString().ToLowerInvariant());
                return (ITaskItem)item;
            })
            .ToArray();
        Log.LogMessage(MessageImportance.High, "NixDeploy: {0} {1} ({2})", ManifestFile, written ? "written" : "unchanged",
            manifest.Changed
                ? string.Join(", ", manifest.Changes.Where(c => c.Value != ClosureChange.Unchanged).Select(c => $"{c.Key}: {c.Value.ToString().ToLowerInvariant()}"))
                : "no machine changed");
    }
}
