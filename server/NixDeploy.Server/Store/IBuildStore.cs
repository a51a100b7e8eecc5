using NixDeploy.ControlPlane;

namespace NixDeploy.Server.Store;

/// <summary>The builds of the fleet repository, in the control plane's database; each method is one transaction.</summary>
public interface IBuildStore
{
    /// <summary>Records a build that starts now (running).</summary>
    void AddBuild(string id, string gitRef, DateTimeOffset startedAt);

    void RecordBuildCommit(string id, string commit);

    void FinishBuild(string id, BuildOutcome outcome, DateTimeOffset finishedAt);

    BuildRecord? Build(string id);

    BuildRecord? LatestBuild();

    BuildPage Builds(int limit, string? before);

    /// <summary>Builds a stopped server left running are <c>interrupted</c> (ND8103); returns how many.</summary>
    int InterruptRunningBuilds(DateTimeOffset at);
}

/// <summary>How a build ended: the closures it built (machine to store path), or the ND code of its failure.</summary>
public sealed record BuildOutcome(
    BuildStatus Status,
    IReadOnlyDictionary<string, string> Closures,
    string? ErrorCode,
    string? ErrorMessage,
    string? DeploymentId = null);
