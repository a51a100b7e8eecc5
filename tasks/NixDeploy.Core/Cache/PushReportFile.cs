using NixDeploy.IO;
using NixDeploy.Json;

namespace NixDeploy.Cache;

/// <summary>Writes and reads <c>push-report.json</c>.</summary>
public static class PushReportFile
{
    public static void Write(string path, PushReport report) => ReportJson.Write(path, report, NixDeployJsonContext.Default.PushReport);

    public static PushReport Read(string path) => ReportJson.Read(path, NixDeployJsonContext.Default.PushReport);
}
