using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace NixDeploy.IO;

/// <summary>A step's report for its readers (the tool, CI): written atomically, so a reader never sees half of one.</summary>
public static class ReportJson
{
    public static void Write<T>(string path, T report, JsonTypeInfo<T> type) =>
        AtomicFile.Write(path, JsonSerializer.Serialize(report, type) + "\n");

    public static T Read<T>(string path, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), type) ?? throw new JsonException($"{path} is empty.");
}
