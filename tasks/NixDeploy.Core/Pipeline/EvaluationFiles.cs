using System.Text.Json;
using NixDeploy.Diagnostics;
using NixDeploy.IO;
using NixDeploy.Json;

namespace NixDeploy.Pipeline;

/// <summary>
/// The intermediate files one step leaves for the next under obj/: written only when their content changes, so
/// a step that re-ran without new results does not make the steps after it re-run.
/// </summary>
public static class EvaluationFiles
{
    public static bool WriteEvaluation(string path, FleetEvaluation evaluation) =>
        AtomicFile.WriteIfChanged(path, JsonSerializer.Serialize(evaluation, NixDeployJsonContext.Default.FleetEvaluation) + "\n");

    public static FleetEvaluation ReadEvaluation(string path) =>
        Read(path, NixDeployJsonContext.Default.FleetEvaluation);

    public static bool WriteClosures(string path, IReadOnlyDictionary<string, string> closures) =>
        AtomicFile.WriteIfChanged(path, JsonSerializer.Serialize(new SortedDictionary<string, string>(closures.ToDictionary(), StringComparer.Ordinal), NixDeployJsonContext.Default.SortedDictionaryStringString) + "\n");

    public static IReadOnlyDictionary<string, string> ReadClosures(string path) =>
        File.Exists(path) ? Read(path, NixDeployJsonContext.Default.SortedDictionaryStringString) : new SortedDictionary<string, string>();

    private static T Read<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), type)
                ?? throw new JsonException("empty");
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new NixDeployException(ErrorCodes.IntermediateFileUnreadable,
                $"The intermediate file '{path}' cannot be read ({e.Message}). Run 'dotnet build -t:Rebuild' to recreate it.", path);
        }
    }
}
