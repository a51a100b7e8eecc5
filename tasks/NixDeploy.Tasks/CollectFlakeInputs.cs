using Microsoft.Build.Framework;
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
        var files = await FlakeInputFiles.CollectAsync(CreateRunner(), FlakeDirectory,
            OverrideInputs.Select(item => item.GetMetadata("Url")),
            OutputDirectories.Select(item => item.GetMetadata("FullPath")).ToList(),
            cancellationToken);
        AtomicFile.WriteIfChanged(ListFile, string.Concat(files.Select(file => file + "\n")));
        Files = files.Select(file => (ITaskItem)new TaskItem(file)).ToArray();
    }
}
