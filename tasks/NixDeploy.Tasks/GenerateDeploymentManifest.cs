using Microsoft.Build.Framework;
using NixDeploy.Cache;
using NixDeploy.Artifacts;
using NixDeploy.Manifest;
using NixDeploy.Pipeline;

namespace NixDeploy.Tasks;

/// <summary>Writes deployment.json (git commit, blueprint, closures, changes) atomically and only when it changed.</summary>
public sealed class GenerateDeploymentManifest : NixDeployTask
{
    [Required] public string EvaluationFile { get; set; } = "";

    [Required] public string ClosuresFile { get; set; } = "";

    [Required] public string FlakeDirectory { get; set; } = "";

    public string? PreviousManifest { get; set; }

    /// <summary>The artifact queue's result (obj/), whose names, paths and hashes go into the manifest.</summary>
    public string? ArtifactsFile { get; set; }

    [Required] public string ManifestFile { get; set; } = "";

    /// <summary>@(NixDeployCache): recorded with their public keys (never a secret) in the manifest's caches section.</summary>
    public ITaskItem[] Caches { get; set; } = [];

    /// <summary>Whether any machine's closure differs from the previous deployment: CI can skip the rest when false.</summary>
    [Output] public bool Changed { get; private set; }

    /// <summary>Machines whose closure is new or changed, with metadata <c>Change</c>.</summary>
    [Output] public ITaskItem[] ChangedMachines { get; private set; } = [];

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var manifest = await ManifestGenerator.CreateAsync(
            CreateRunner(),
            EvaluationFiles.ReadEvaluation(EvaluationFile),
            EvaluationFiles.ReadClosures(ClosuresFile),
            FlakeDirectory,
            PreviousManifest,
            cancellationToken,
            DeploymentCaches.From(PushCacheItems.Parse(Caches, ProjectFile), ProjectFile),
            string.IsNullOrEmpty(ArtifactsFile) ? null : ManifestArtifacts.From(ArtifactIntermediateFiles.ReadResult(ArtifactsFile)));
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
