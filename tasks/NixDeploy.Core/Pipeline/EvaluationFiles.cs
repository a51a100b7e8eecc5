using NixDeploy.Diagnostics;
using NixDeploy.IO;

namespace NixDeploy.Pipeline;

/// <summary>What EvaluateBlueprint and BuildClosures leave under obj/ for the steps after them.</summary>
public static class EvaluationFiles
{
    public static bool WriteEvaluation(string path, FleetEvaluation evaluation) =>
        IntermediateJson.WriteIfChanged(path, evaluation, PipelineJsonContext.Default.FleetEvaluation);

    public static FleetEvaluation ReadEvaluation(string path) =>
        IntermediateJson.Read(path, PipelineJsonContext.Default.FleetEvaluation, ErrorCodes.IntermediateFileUnreadable);

    public static bool WriteClosures(string path, IReadOnlyDictionary<string, string> closures) =>
        IntermediateJson.WriteIfChanged(path, new SortedDictionary<string, string>(closures.ToDictionary(), StringComparer.Ordinal),
            PipelineJsonContext.Default.SortedDictionaryStringString);

    public static IReadOnlyDictionary<string, string> ReadClosures(string path) =>
        File.Exists(path)
            ? IntermediateJson.Read(path, PipelineJsonContext.Default.SortedDictionaryStringString, ErrorCodes.IntermediateFileUnreadable)
            : new SortedDictionary<string, string>();
}
