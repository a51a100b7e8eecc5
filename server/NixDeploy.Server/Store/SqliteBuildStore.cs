using Microsoft.Data.Sqlite;
using NixDeploy.ControlPlane;
using NixDeploy.Diagnostics;

namespace NixDeploy.Server.Store;

/// <summary>The builds table (<see cref="IBuildStore"/>), beside the deployments in the same database.</summary>
public sealed partial class SqliteControlPlaneStore
{
    private const string BuildColumns =
        "SELECT id, status, ref, git_commit, started_at, finished_at, closures, error_code, error_message, deployment_id FROM builds";

    public void AddBuild(string id, string gitRef, DateTimeOffset startedAt) => Write((connection, transaction) =>
    {
        Execute(connection, transaction, "INSERT INTO builds(id, ref, status, started_at) VALUES (@id, @ref, 'running', @at)",
            ("@id", id), ("@ref", gitRef), ("@at", Time.Format(startedAt)));
        return true;
    });

    public void RecordBuildCommit(string id, string commit) => Write((connection, transaction) =>
    {
        Execute(connection, transaction, "UPDATE builds SET git_commit = @commit WHERE id = @id", ("@id", id), ("@commit", commit));
        return true;
    });

    // closures: one 'machine=store path' line each.
    public void FinishBuild(string id, BuildOutcome outcome, DateTimeOffset finishedAt) => Write((connection, transaction) =>
    {
        Execute(connection, transaction, """
            UPDATE builds SET status = @status, finished_at = @at, closures = @closures, error_code = @code, error_message = @message,
              deployment_id = @deployment WHERE id = @id
            """,
            ("@id", id), ("@status", BuildStatusName(outcome.Status)), ("@at", Time.Format(finishedAt)),
            ("@closures", string.Join('\n', outcome.Closures.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"))),
            ("@code", outcome.ErrorCode), ("@message", outcome.ErrorMessage), ("@deployment", outcome.DeploymentId));
        return true;
    });

    public BuildRecord? Build(string id) => Read(connection =>
        Query(connection, null, BuildColumns + " WHERE id = @id", BuildFrom, ("@id", id)).FirstOrDefault());

    public BuildRecord? LatestBuild() => Read(connection =>
        Query(connection, null, BuildColumns + " ORDER BY seq DESC LIMIT 1", BuildFrom).FirstOrDefault());

    public BuildPage Builds(int limit, string? before) => Read(connection =>
    {
        var items = Query(connection, null,
            BuildColumns + " WHERE @before IS NULL OR seq < (SELECT seq FROM builds WHERE id = @before) ORDER BY seq DESC LIMIT @limit",
            BuildFrom, ("@before", before), ("@limit", limit + 1));
        return new BuildPage(items.Take(limit).ToList(), items.Count > limit ? items[limit - 1].Id : null);
    });

    public int InterruptRunningBuilds(DateTimeOffset at) => Write((connection, transaction) =>
    {
        using var command = Command(connection, transaction,
            "UPDATE builds SET status = 'interrupted', finished_at = @at, error_code = @code, error_message = @message WHERE status = 'running'",
            [("@at", Time.Format(at)), ("@code", ErrorCodes.BuildInterrupted),
             ("@message", "The server stopped while this build ran; trigger a new build.")]);
        return command.ExecuteNonQuery();
    });

    private static BuildRecord BuildFrom(SqliteDataReader reader)
    {
        var status = Enum.Parse<BuildStatus>(reader.GetString(1), ignoreCase: true);
        var closures = reader.GetString(6).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        return new BuildRecord(reader.GetString(0), status, status == BuildStatus.Running, reader.GetString(2), NullableString(reader, 3),
            Time.Parse(reader.GetString(4)), Time.ParseOrNull(reader, 5), closures, NullableString(reader, 7), NullableString(reader, 8), NullableString(reader, 9));
    }

    private static string BuildStatusName(BuildStatus status) => status.ToString().ToLowerInvariant();
}
