using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using NixDeploy.Diagnostics;

namespace NixDeploy.IO;

/// <summary>
/// The JSON files one step leaves under obj/ for the next: written atomically and only when their content changes
/// (so steps after an unchanged one stay up to date), read back with a coded error that says how to recreate them.
/// </summary>
public static class IntermediateJson
{
    public static bool WriteIfChanged<T>(string path, T value, JsonTypeInfo<T> type) =>
        AtomicFile.WriteIfChanged(path, JsonSerializer.Serialize(value, type) + "\n");

    public static T Read<T>(string path, JsonTypeInfo<T> type, string errorCode)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), type) ?? throw new JsonException("empty");
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new NixDeployException(errorCode,
                $"The intermediate file '{path}' cannot be read ({e.Message}). Run 'dotnet build -t:Rebuild' to recreate it.", path);
        }
    }
}
