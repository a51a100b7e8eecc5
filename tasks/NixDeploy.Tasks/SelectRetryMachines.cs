using Microsoft.Build.Framework;
using NixDeploy.Blueprint;
using NixDeploy.Deploy;

namespace NixDeploy.Tasks;

/// <summary>
/// NixDeployRetryFailed: turns the last deploy-report.json's failed machines into the build's selection, or says that
/// there is nothing to retry (the Deploy target then runs no stage at all).
/// </summary>
public sealed class SelectRetryMachines : NixDeployTask
{
    /// <summary>$(NixDeployReportFile): the last deploy's report.</summary>
    [Required] public string ReportFile { get; set; } = "";

    /// <summary>$(NixDeployOn): must be empty.</summary>
    public string? Selection { get; set; }

    /// <summary>The failed machines as a NixDeployOn selection.</summary>
    [Output] public string Selected { get; private set; } = "";

    [Output] public bool NothingToRetry { get; private set; }

    protected override Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var machines = RetrySelection.FailedMachines(ReportFile, Selection, ProjectFile);
        NothingToRetry = machines.Count == 0;
        Selected = MachineSelector.Of(machines);
        if (NothingToRetry)
            Log.LogMessage(MessageImportance.High, "NixDeploy: nothing to retry: every machine in {0} reached its desired state; nothing is deployed.", ReportFile);
        else
            Log.LogMessage(MessageImportance.High, "NixDeploy: retrying the machines that did not reach their desired state in {0}: {1}", ReportFile, string.Join(", ", machines));
        return Task.CompletedTask;
    }
}
