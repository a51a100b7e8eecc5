using Microsoft.Build.Framework;
using NixDeploy.Diagnostics;
using NixDeploy.IO;
using NixDeploy.Pipeline;
using TaskItem = Microsoft.Build.Utilities.TaskItem;

namespace NixDeploy.Tasks;

/// <summary>
/// The files a local flake's evaluation depends on (see <see cref="FlakeInputFiles"/>), as items for the steps'
/// Inputs, and their list in <see cref="ListFile"/>, rewritten only when it changed: a file added to or removed
/// from the flake is a change too, though no timestamp says so.
/// </summary>
public sealed class CollectFlakeInputs : NixDeployTask
{
    [Required] public string FlakeDirectory { get; set; } = "";

    public ITaskItem[] OverrideInputs { get; set; } = [];

    /// <summary>bin/ and obj/ of this project: outputs, never inputs.</summary>
    public ITaskItem[] OutputDirectories { get; set; } = [];

    [Required] public string ListFile { get; set; } = "";

    [Output] public ITaskItem[] Files { get; private set; } = [];

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var collected = await FlakeInputFiles.CollectAsync(CreateRunner(), FlakeDirectory,
            OverrideInputs.Select(item => item.GetMetadata("Url")),
            OutputDirectories.Select(item => item.GetMetadata("FullPath")).ToList(),
            cancellationToken);
        // The flake's most common surprise: a new machine file that git does not track is invisible to Nix.
        foreach (var file in collected.UntrackedNixFiles)
        {
            var relative = Path.GetRelativePath(FlakeDirectory, file);
            Log.LogWarning(null, ErrorCodes.NixFileNotInGit, null, file, 0, 0, 0, 0,
                "{0} is not in git's index, so the flake (and this build) does not see it: run 'git add {0}' if it belongs to the fleet.", relative);
        }
        AtomicFile.WriteIfChanged(ListFile, string.Concat(collected.Files.Select(file => file + "\n")));
        Files = collected.Files.Select(file => (ITaskItem)new TaskItem(file)).ToArray();
    }
}
