using System.Text.Json;
using NixDeploy.Diagnostics;

namespace NixDeploy.Deploy;

/// <summary>
/// NixDeployRetryFailed (the tool's <c>--retry-failed</c>): the machines whose entry in the last deploy-report.json
/// did not reach the desired state (failed, unreachable, rolled-back, skipped), as a selection of their names. A flag
/// and not a label syntax: a fleet may have a label called <c>failed</c>.
/// </summary>
public static class RetrySelection
{
    /// <summary>The names, in order; empty when every machine of the last deploy reached its desired state.</summary>
    /// <param name="selection">NixDeployOn: a retry takes its machines from the report, so both at once is refused.</param>
    public static IReadOnlyList<string> FailedMachines(string reportFile, string? selection, string file)
    {
        if (!string.IsNullOrWhiteSpace(selection))
            throw new NixDeployException(ErrorCodes.RetryWithSelection,
                $"NixDeployRetryFailed selects the machines that failed in {reportFile}, and NixDeployOn='{selection}' selects too: set one of them (the tool: --retry-failed or --on).", file);
        if (!File.Exists(reportFile))
            throw new NixDeployException(ErrorCodes.RetryReportUnreadable,
                $"NixDeployRetryFailed retries the machines that failed in the last deploy, but there is no {reportFile}: deploy first (without NixDeployRetryFailed).", file);
        DeployReport report;
        try
        {
            report = DeployReport.Json.Read(reportFile);
        }
        catch (JsonException e)
        {
            throw new NixDeployException(ErrorCodes.RetryReportUnreadable,
                $"NixDeployRetryFailed cannot read {reportFile} ({e.Message}): deploy the machines you mean with NixDeployOn, or delete the file and deploy every machine.", file);
        }
        return report.Machines
            .Where(machine => machine.Value.Status is MachineStatus.Failed or MachineStatus.Unreachable or MachineStatus.RolledBack or MachineStatus.Skipped)
            .Select(machine => machine.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
