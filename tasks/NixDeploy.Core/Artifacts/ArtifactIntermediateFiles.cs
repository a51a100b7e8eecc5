using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NixDeploy.Diagnostics;
using NixDeploy.IO;
using NixDeploy.Json;

namespace NixDeploy.Artifacts;

/// <summary>The artifact steps' files under obj/: the evaluated store and the queue's result. Written only when changed.</summary>
public static class ArtifactIntermediateFiles
{
    public static bool WriteStore(string path, ArtifactStore store) => Write(path, store, NixDeployJsonContext.Default.ArtifactStore);

    public static ArtifactStore ReadStore(string path) => Read(path, NixDeployJsonContext.Default.ArtifactStore);

    public static bool WriteResult(string path, ArtifactQueueResult result) => Write(path, result, NixDeployJsonContext.Default.ArtifactQueueResult);

    /// <summary>The queue's result; empty when the file does not exist (the queue did not run, e.g. no artifacts).</summary>
    public static ArtifactQueueResult ReadResult(string path) =>
        File.Exists(path) ? Read(path, NixDeployJsonContext.Default.ArtifactQueueResult) : ArtifactQueueResult.Empty;

    private static bool Write<T>(string path, T value, JsonTypeInfo<T> type) =>
        AtomicFile.WriteIfChanged(path, JsonSerializer.Serialize(value, type) + "\n");

    private static T Read<T>(string path, JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), type) ?? throw new JsonException("empty");
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new NixDeployException(ErrorCodes.ArtifactStateUnreadable,
                $"The intermediate file '{path}' cannot be read ({e.Message}). Run 'dotnet build -t:Rebuild' to recreate it.", path);
        }
    }
}
