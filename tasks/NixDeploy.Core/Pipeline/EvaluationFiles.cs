using NixDeploy.Diagnostics;
using NixDeploy.IO;
using NixDeploy.Json;

namespace NixDeploy.Pipeline;

/// <summary>What EvaluateBlueprint and BuildClosures leave under obj/ for the steps after them.</summary>
public static class EvaluationFiles
{
    public static bool WriteEvaluation(string path, FleetEvaluation evaluation) =>
        IntermediateJson.WriteIfChanged(path, evaluation, NixDeployJsonContext.Default.FleetEvaluation);

    public static FleetEvaluation ReadEvaluation(string path) =>
        IntermediateJson.Read(path, NixDeployJsonContext.Default.FleetEvaluation, ErrorCodes.IntermediateFileUnreadable);

    public static bool WriteClosures(string path, IReadOnlyDictionary<string, string> closures) =>
        IntermediateJson.WriteIfChanged(path, new SortedDictionary<string, string>(closures.ToDictionary(), StringComparer.Ordinal),
            NixDeployJsonContext.Default.SortedDictionaryStringString);

    public static IReadOnlyDictionary<string, string> ReadClosures(string path) =>
        File.Exists(path)
            ? IntermediateJson.Read(path, NixDeployJsonContext.Default.SortedDictionaryStringString, ErrorCodes.IntermediateFileUnreadable)
            : new SortedDictionary<string, string>();
}
