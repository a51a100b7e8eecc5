using Microsoft.Build.Framework;
using NixDeploy.IO;

namespace NixDeploy.Tasks;

/// <summary>
/// Takes the project's build lock for the rest of the build (MSBuild disposes it when the build ends), waiting,
/// and saying so, while another build of the project holds it: two builds of one project share obj/ and
/// deployment.json, so one runs after the other. Every build of the project takes it, the tool's included.
/// </summary>
public sealed class AcquireBuildLock : NixDeployTask
{
    [Required] public string LockFile { get; set; } = "";

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        var key = $"{nameof(NixDeploy)}.{nameof(BuildLock)}:{Path.GetFullPath(LockFile)}";
        // Held already when this build reaches the project again as another project instance (other global properties).
        if (BuildEngine4.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) is not null)
            return;
        var held = await BuildLock.AcquireAsync(LockFile,
            () => Log.LogMessage(MessageImportance.High, "NixDeploy: waiting for another build of {0} to finish (it holds {1})", ProjectFile, LockFile),
            cancellationToken);
        BuildEngine4.RegisterTaskObject(key, held, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
    }
}
