using NixDeploy.Diagnostics;
using NixDeploy.IO;

namespace NixDeploy.Artifacts;

/// <summary>The artifact steps' files under obj/: the evaluated store and the queue's result. Written only when changed.</summary>
public static class ArtifactIntermediateFiles
{
    public static bool WriteStore(string path, ArtifactStore store) =>
        IntermediateJson.WriteIfChanged(path, store, ArtifactsJsonContext.Default.ArtifactStore);

    public static ArtifactStore ReadStore(string path) =>
        IntermediateJson.Read(path, ArtifactsJsonContext.Default.ArtifactStore, ErrorCodes.ArtifactStateUnreadable);

    public static bool WriteResult(string path, ArtifactQueueResult result) =>
        IntermediateJson.WriteIfChanged(path, result, ArtifactsJsonContext.Default.ArtifactQueueResult);

    /// <summary>The queue's result; empty when the file does not exist (the queue did not run, e.g. no artifacts).</summary>
    public static ArtifactQueueResult ReadResult(string path) =>
        File.Exists(path)
            ? IntermediateJson.Read(path, ArtifactsJsonContext.Default.ArtifactQueueResult, ErrorCodes.ArtifactStateUnreadable)
            : ArtifactQueueResult.Empty;
}
