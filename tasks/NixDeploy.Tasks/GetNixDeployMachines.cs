using System.Globalization;
using Microsoft.Build.Framework;
using TaskItem = Microsoft.Build.Utilities.TaskItem;
using NixDeploy.Pipeline;
using NixDeploy.Progress;

namespace NixDeploy.Tasks;

/// <summary>
/// Reads what EvaluateBlueprint and BuildClosures left under obj/ into <c>NixDeployMachine</c> items, so the items
/// exist for users' targets even when those steps were skipped as up to date. Runs no external command.
/// </summary>
public sealed class GetNixDeployMachines : NixDeployTask
{
    [Required] public string EvaluationFile { get; set; } = "";

    public string? ClosuresFile { get; set; }

    /// <summary>NixDeployProgressFile: each machine is reported evaluated (or built, once ClosuresFile is given).</summary>
    public string? ProgressFile { get; set; }

    [Output] public ITaskItem[] Machines { get; private set; } = [];

    protected override Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var evaluation = EvaluationFiles.ReadEvaluation(EvaluationFile);
        var closures = string.IsNullOrEmpty(ClosuresFile) ? new Dictionary<string, string>() : EvaluationFiles.ReadClosures(ClosuresFile);
        Machines = evaluation.Selected.Select(name =>
        {
            var spec = evaluation.Blueprint[name];
            var item = new TaskItem(name);
            item.SetMetadata("Role", spec.Role);
            item.SetMetadata("Labels", string.Join(';', spec.Labels));
            item.SetMetadata("Cpu", spec.Cpu.ToString(CultureInfo.InvariantCulture));
            item.SetMetadata("Memory", $"{spec.Memory.Amount.ToString(CultureInfo.InvariantCulture)}{spec.Memory.Unit}");
            item.SetMetadata("Replicas", spec.Replicas.ToString(CultureInfo.InvariantCulture));
            item.SetMetadata("Addr", spec.Deployment.Addr);
            item.SetMetadata("Backend", spec.Deployment.Backend);
            item.SetMetadata("SshUser", spec.Deployment.SshUser);
            item.SetMetadata("SshPort", spec.Deployment.SshPort.ToString(CultureInfo.InvariantCulture));
            item.SetMetadata("AutoRollback", spec.Deployment.AutoRollback ? "true" : "false");
            if (evaluation.Toplevels.TryGetValue(name, out var toplevel))
            {
                item.SetMetadata("DrvPath", toplevel.DrvPath);
                item.SetMetadata("Toplevel", toplevel.OutPath);
            }
            if (closures.TryGetValue(name, out var closure))
                item.SetMetadata("Closure", closure);
            return (ITaskItem)item;
        }).ToArray();
        var progress = new ProgressWriter(ProgressFile);
        foreach (var name in evaluation.Selected)
            progress.Finished(name, string.IsNullOrEmpty(ClosuresFile) ? "evaluated" : closures.ContainsKey(name) ? "built" : "failed");
        return Task.CompletedTask;
    }
}
