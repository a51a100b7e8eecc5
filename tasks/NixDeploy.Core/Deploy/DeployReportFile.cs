using NixDeploy.IO;
using NixDeploy.Json;

namespace NixDeploy.Deploy;

/// <summary>Writes and reads <c>deploy-report.json</c>.</summary>
public static class DeployReportFile
{
    public static void Write(string path, DeployReport report) => ReportJson.Write(path, report, NixDeployJsonContext.Default.DeployReport);

    public static DeployReport Read(string path) => ReportJson.Read(path, NixDeployJsonContext.Default.DeployReport);
}
