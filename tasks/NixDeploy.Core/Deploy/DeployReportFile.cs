using System.Text.Json;
using NixDeploy.IO;
using NixDeploy.Json;

namespace NixDeploy.Deploy;

/// <summary>Writes <c>deploy-report.json</c> atomically: readers never see half a report.</summary>
public static class DeployReportFile
{
    public static void Write(string path, DeployReport report) =>
        AtomicFile.Write(path, JsonSerializer.Serialize(report, NixDeployJsonContext.Default.DeployReport) + "\n");

    public static DeployReport Read(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), NixDeployJsonContext.Default.DeployReport)
        ?? throw new JsonException($"{path} is empty.");
}
