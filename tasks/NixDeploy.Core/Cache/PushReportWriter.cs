using System.Text.Json;
using NixDeploy.IO;

namespace NixDeploy.Cache;

/// <summary>
/// Writes <c>push-report.json</c> with a plain <see cref="Utf8JsonWriter"/>: in the fresh MSBuild process a push runs
/// in, the serializer's first use cost about 7 ms, a fifth of a push that uploads nothing (bench/push). The shape is
/// <see cref="PushReport"/>'s as <see cref="PushReport.Json"/> reads it (a test writes and reads back every field).
/// </summary>
public static class PushReportWriter
{
    public static void Write(string path, PushReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", report.SchemaVersion);
            json.WriteString("runId", report.RunId);
            json.WriteBoolean("dryRun", report.DryRun);
            json.WriteStartArray("caches");
            foreach (var cache in report.Caches)
                WriteCache(json, cache);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        AtomicFile.Write(path, buffer.ToArray());
    }

    private static void WriteCache(Utf8JsonWriter json, CachePushReport cache)
    {
        json.WriteStartObject();
        json.WriteString("name", cache.Name);
        json.WriteString("url", cache.Url);
        json.WriteString("status", cache.Status.ToReportName());
        json.WriteNumber("uploadedPaths", cache.UploadedPaths);
        json.WriteNumber("uploadedBytes", cache.UploadedBytes);
        json.WriteNumber("presentPaths", cache.PresentPaths);
        if (cache.ErrorCode is not null)
            json.WriteString("errorCode", cache.ErrorCode);
        if (cache.Error is not null)
            json.WriteString("error", cache.Error);
        json.WriteString("summary", cache.Summary);
        json.WriteStartArray("wouldUpload");
        foreach (var path in cache.WouldUpload)
        {
            json.WriteStartObject();
            json.WriteString("path", path.Path);
            json.WriteNumber("narSize", path.NarSize);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
