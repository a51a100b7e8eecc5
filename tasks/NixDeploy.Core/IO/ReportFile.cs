using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace NixDeploy.IO;

/// <summary>A report that names the run (NixDeployRunId) that wrote it.</summary>
public interface IRunReport
{
    string? RunId { get; }
}

/// <summary>
/// One kind of step report (push-report.json, deploy-report.json) for its readers, the tool and CI: written
/// atomically, so a reader never sees half of one, and read back as a run's own only when it carries that run's id.
/// </summary>
public sealed class ReportFile<T>(JsonTypeInfo<T> type) where T : IRunReport
{
    public void Write(string path, T report) => AtomicFile.Write(path, Text(report));

    /// <summary>The report as its file holds it (for a reader that keeps it elsewhere, such as the control plane's database).</summary>
    public string Text(T report) => JsonSerializer.Serialize(report, type) + "\n";

    public T Read(string path) => JsonSerializer.Deserialize(File.ReadAllText(path), type) ?? throw new JsonException($"{path} is empty.");

    /// <summary>The report at <paramref name="path"/> if run <paramref name="runId"/> wrote it; null when there is none or an earlier or another run's.</summary>
    public T? ReadOfRun(string path, string runId) => File.Exists(path) && Read(path) is var report && report.RunId == runId ? report : default;

    /// <summary>The report's JSON contract, for readers of the same document from elsewhere (the control plane's answer).</summary>
    public JsonTypeInfo<T> Type => type;
}
