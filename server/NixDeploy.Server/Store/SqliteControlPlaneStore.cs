using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NixDeploy.Blueprint;
using NixDeploy.ControlPlane;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;

namespace NixDeploy.Server.Store;

/// <summary>
/// The store in one SQLite file (<c>DIR/control-plane.db</c>, write-ahead log), migrated on open. Each public method
/// runs in one transaction on a connection of its own (SQLite serializes writers; readers see the last commit).
/// </summary>
public sealed partial class SqliteControlPlaneStore : IControlPlaneStore, IBuildStore
{
    public const string FileName = "control-plane.db";

    private static readonly string[] ReachedStatuses = ["deployed", "unchanged", "would-change"];

    private readonly string _connectionString;

    private SqliteControlPlaneStore(string connectionString, int schemaVersion)
    {
        _connectionString = connectionString;
        SchemaVersion = schemaVersion;
    }

    public int SchemaVersion { get; }

    /// <summary>Opens (or creates) the database in <paramref name="dataDirectory"/> and migrates it; ND8001/ND8002 when it cannot.</summary>
    public static SqliteControlPlaneStore Open(string dataDirectory)
    {
        var file = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode=WAL";
                wal.ExecuteNonQuery();
            }
            return new SqliteControlPlaneStore(connectionString, SqliteMigrations.Apply(connection, file));
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new NixDeployException(ErrorCodes.ServerDatabaseUnusable,
                $"The control plane's database {file} cannot be opened ({e.Message}): check that --data names a folder this user can write, and that the file is a database the server wrote.", file);
        }
    }

    /// <summary>Reads the file itself (no pooled connection, never creating it): a database deleted or broken under the server is found.</summary>
    public void Ping()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        Scalar(connection, null, "SELECT MAX(version) FROM schema_version");
    }

    public void AddToken(StoredToken token) => Write((connection, transaction) =>
    {
        Execute(connection, transaction, "INSERT INTO tokens(id, name, role, secret_hash, created_at, machine) VALUES (@id, @name, @role, @hash, @at, @machine)",
            ("@id", token.Id), ("@name", token.Name), ("@role", Names.Of(token.Role)), ("@hash", token.SecretHash), ("@at", Time.Format(token.CreatedAt)),
            ("@machine", token.Machine));
        return true;
    });

    public StoredToken? FindToken(string id) => Read(connection =>
        Query(connection, null, "SELECT id, role, name, secret_hash, created_at, revoked_at, machine FROM tokens WHERE id = @id",
            reader => new StoredToken(reader.GetString(0), Names.Role(reader.GetString(1)), reader.GetString(2), (byte[])reader[3],
                Time.Parse(reader.GetString(4)), Time.ParseOrNull(reader, 5), NullableString(reader, 6)), ("@id", id)).FirstOrDefault());

    public IReadOnlyList<TokenInfo> Tokens() => Read(connection =>
        Query(connection, null, "SELECT id, role, name, created_at, revoked_at, machine FROM tokens ORDER BY created_at, id",
            reader => new TokenInfo(reader.GetString(0), Names.Role(reader.GetString(1)), reader.GetString(2), Time.Parse(reader.GetString(3)), Time.ParseOrNull(reader, 4),
                NullableString(reader, 5))));

    public bool RevokeToken(string id, DateTimeOffset at) => Write((connection, transaction) =>
    {
        Execute(connection, transaction, "UPDATE tokens SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", ("@id", id), ("@at", Time.Format(at)));
        return Scalar(connection, transaction, "SELECT COUNT(*) FROM tokens WHERE id = @id", ("@id", id)) is 1L;
    });

    public (string Id, string DesiredState)? NewestDeployment() => Read(connection =>
        Query(connection, null, "SELECT id, desired_state FROM deployments ORDER BY seq DESC LIMIT 1",
            reader => ((string Id, string DesiredState)?)(reader.GetString(0), reader.GetString(1))).FirstOrDefault());

    public void AddDeployment(NewDeployment deployment) => Write((connection, transaction) =>
    {
        var at = Time.Format(deployment.ReceivedAt);
        Execute(connection, transaction, "INSERT INTO deployments(id, received_at, git_commit, desired_state, status) VALUES (@id, @at, @commit, @state, 'queued')",
            ("@id", deployment.Id), ("@at", at), ("@commit", deployment.GitCommit), ("@state", deployment.DesiredState));
        var older = new HashSet<string>(StringComparer.Ordinal);
        foreach (var machine in deployment.Machines)
        {
            // A pull machine's agent has not applied the older deployment yet (or is applying it): this one takes it too.
            older.UnionWith(Query(connection, transaction,
                "SELECT deployment_id FROM rollouts WHERE machine = @machine AND mode = 'pull' AND status IN ('pending', 'running')",
                reader => reader.GetString(0), ("@machine", machine.Name)));
            Execute(connection, transaction, """
                UPDATE rollouts SET status = 'superseded', superseded_by = @id, finished_at = @at
                WHERE machine = @machine AND (status = 'queued' OR (mode = 'pull' AND status IN ('pending', 'running')))
                """, ("@id", deployment.Id), ("@at", at), ("@machine", machine.Name));
            Execute(connection, transaction, """
                INSERT INTO rollouts(deployment_id, machine, address, closure, status, mode) VALUES (@id, @machine, @address, @closure, @status, @mode)
                """, ("@id", deployment.Id), ("@machine", machine.Name), ("@address", machine.Address), ("@closure", machine.Closure),
                ("@status", machine.Pull ? "pending" : "queued"), ("@mode", machine.Pull ? "pull" : "push"));
            Execute(connection, transaction, """
                INSERT INTO machines(name, address, desired_closure, desired_deployment_id) VALUES (@machine, @address, @closure, @id)
                ON CONFLICT(name) DO UPDATE SET address = excluded.address, desired_closure = excluded.desired_closure, desired_deployment_id = excluded.desired_deployment_id
                """, ("@id", deployment.Id), ("@machine", machine.Name), ("@address", machine.Address), ("@closure", machine.Closure));
            if (machine.Pull)
                Execute(connection, transaction, "UPDATE machines SET last_result = 'pending', last_deployment_id = @id WHERE name = @machine",
                    ("@id", deployment.Id), ("@machine", machine.Name));
        }
        // Older deployments that only waited for agents end now if this one took what they waited for.
        foreach (var id in older)
            Conclude(connection, transaction, id, deployment.ReceivedAt);
        // An older deployment that this one took every machine from has nothing left to do.
        Execute(connection, transaction, """
            UPDATE deployments SET status = 'superseded', finished_at = @at
            WHERE status = 'queued' AND id IN (SELECT deployment_id FROM rollouts WHERE superseded_by = @id)
              AND NOT EXISTS (SELECT 1 FROM rollouts r WHERE r.deployment_id = deployments.id AND r.status <> 'superseded')
            """, ("@id", deployment.Id), ("@at", at));
        if (deployment.Machines.Count == 0)
            Execute(connection, transaction, "UPDATE deployments SET status = 'succeeded', finished_at = @at WHERE id = @id", ("@id", deployment.Id), ("@at", at));
        else if (deployment.Machines.All(machine => machine.Pull))
            Conclude(connection, transaction, deployment.Id, deployment.ReceivedAt);
        return true;
    });

    public DeploymentPage Deployments(int limit, string? before) => Read(connection =>
    {
        var items = Query(connection, null, """
            SELECT id, received_at, git_commit, status, finished_at FROM deployments
            WHERE @before IS NULL OR seq < (SELECT seq FROM deployments WHERE id = @before)
            ORDER BY seq DESC LIMIT @limit
            """,
            reader => new DeploymentSummary(reader.GetString(0), Time.Parse(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetString(2),
                Names.Deployment(reader.GetString(3)), [], Time.ParseOrNull(reader, 4)),
            ("@before", before), ("@limit", limit + 1));
        var page = items.Take(limit)
            .Select(item => item with { Machines = Query(connection, null, "SELECT machine FROM rollouts WHERE deployment_id = @id ORDER BY machine", reader => reader.GetString(0), ("@id", item.Id)) })
            .ToList();
        return new DeploymentPage(page, items.Count > limit ? page[^1].Id : null);
    });

    public DeploymentDetail? Deployment(string id) => Read(connection =>
    {
        var detail = Query(connection, null, "SELECT id, received_at, git_commit, status, finished_at FROM deployments WHERE id = @id",
            reader => new DeploymentDetail(reader.GetString(0), Time.Parse(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetString(2),
                Names.Deployment(reader.GetString(3)), Time.ParseOrNull(reader, 4), new Dictionary<string, MachineRollout>()), ("@id", id)).FirstOrDefault();
        if (detail is null)
            return null;
        var machines = Query(connection, null, """
            SELECT machine, status, previous_closure, closure, started_at, finished_at, steps, timeline, error_code, error_message, superseded_by, mode
            FROM rollouts WHERE deployment_id = @id ORDER BY machine
            """,
            reader => (reader.GetString(0), new MachineRollout(reader.GetString(1), NullableString(reader, 2), NullableString(reader, 3),
                Time.ParseOrNull(reader, 4), Time.ParseOrNull(reader, 5),
                JsonSerializer.Deserialize(reader.GetString(6), StoreJsonContext.Default.IReadOnlyListStepDuration) ?? [],
                NullableString(reader, 8), NullableString(reader, 9), NullableString(reader, 10),
                JsonSerializer.Deserialize(reader.GetString(7), StoreJsonContext.Default.IReadOnlyListRolloutStep),
                reader.GetString(11) == "pull" ? DeploymentMode.Pull : null)), ("@id", id));
        return detail with { Machines = new SortedDictionary<string, MachineRollout>(machines.ToDictionary(pair => pair.Item1, pair => pair.Item2), StringComparer.Ordinal) };
    });

    public (DeploymentStatus Status, string? Report)? DeploymentReport(string id) => Read(connection =>
        Query(connection, null, "SELECT status, report FROM deployments WHERE id = @id",
            reader => ((DeploymentStatus, string?)?)(Names.Deployment(reader.GetString(0)), NullableString(reader, 1)), ("@id", id)).FirstOrDefault());

    public QueuedRollout? NextQueued() => Read(connection =>
    {
        var id = Scalar(connection, null, """
            SELECT id FROM deployments d WHERE EXISTS (SELECT 1 FROM rollouts r WHERE r.deployment_id = d.id AND r.status = 'queued')
            ORDER BY seq LIMIT 1
            """) as string;
        return id is null ? null : new QueuedRollout(id, MachinesOf(connection, id, "queued"));
    });

    public IReadOnlyList<QueuedRollout> Running() => Read(connection =>
        Query(connection, null, "SELECT id FROM deployments WHERE status = 'running' ORDER BY seq", reader => reader.GetString(0))
            .Select(id => new QueuedRollout(id, MachinesOf(connection, id, "running")))
            .ToList());

    public void StartRollout(string deploymentId, IReadOnlyList<string> machines, DateTimeOffset at) => Write((connection, transaction) =>
    {
        Execute(connection, transaction, "UPDATE deployments SET status = 'running' WHERE id = @id", ("@id", deploymentId));
        foreach (var machine in machines)
            Execute(connection, transaction, "UPDATE rollouts SET status = 'running' WHERE deployment_id = @id AND machine = @machine AND status = 'queued'",
                ("@id", deploymentId), ("@machine", machine));
        return true;
    });

    public void RecordStep(string deploymentId, string machine, RolloutStep step) => Write((connection, transaction) =>
    {
        var timeline = Scalar(connection, transaction, "SELECT timeline FROM rollouts WHERE deployment_id = @id AND machine = @machine",
            ("@id", deploymentId), ("@machine", machine)) as string;
        if (timeline is null)
            return false;
        var steps = (JsonSerializer.Deserialize(timeline, StoreJsonContext.Default.IReadOnlyListRolloutStep) ?? []).Append(step).ToList();
        Execute(connection, transaction, """
            UPDATE rollouts SET timeline = @timeline, started_at = COALESCE(started_at, @at) WHERE deployment_id = @id AND machine = @machine
            """, ("@id", deploymentId), ("@machine", machine), ("@timeline", JsonSerializer.Serialize(steps, StoreJsonContext.Default.IReadOnlyListRolloutStep)),
            ("@at", Time.Format(step.StartedAt)));
        return true;
    });

    public void FinishMachine(string deploymentId, MachineOutcome outcome) => Write((connection, transaction) =>
    {
        var finished = Time.Format(outcome.FinishedAt);
        // The steps of earlier runs (before a restart) stay; this run's, recorded as they started, get their durations.
        var recorded = JsonSerializer.Deserialize(Scalar(connection, transaction, "SELECT timeline FROM rollouts WHERE deployment_id = @id AND machine = @machine",
            ("@id", deploymentId), ("@machine", outcome.Machine)) as string ?? "[]", StoreJsonContext.Default.IReadOnlyListRolloutStep) ?? [];
        var timeline = recorded.Where(step => outcome.Timeline.Count == 0 || step.StartedAt < outcome.Timeline[0].StartedAt).Concat(outcome.Timeline).ToList();
        Execute(connection, transaction, """
            UPDATE rollouts SET status = @status, previous_closure = @previous, started_at = COALESCE(started_at, @startedAt), finished_at = @finished,
              steps = @steps, timeline = @timeline, error_code = @code, error_message = @message
            WHERE deployment_id = @id AND machine = @machine
            """,
            ("@id", deploymentId), ("@machine", outcome.Machine), ("@status", outcome.Status), ("@previous", outcome.PreviousClosure),
            ("@startedAt", Time.Format(timeline.Count > 0 ? timeline[0].StartedAt : outcome.FinishedAt)), ("@finished", finished),
            ("@steps", JsonSerializer.Serialize(outcome.Steps, StoreJsonContext.Default.IReadOnlyListStepDuration)),
            ("@timeline", JsonSerializer.Serialize<IReadOnlyList<RolloutStep>>(timeline, StoreJsonContext.Default.IReadOnlyListRolloutStep)),
            ("@code", outcome.ErrorCode), ("@message", outcome.ErrorMessage));
        Execute(connection, transaction, "UPDATE machines SET last_result = @status, last_deployment_id = @id WHERE name = @machine",
            ("@id", deploymentId), ("@machine", outcome.Machine), ("@status", outcome.Status));
        if (outcome.Seen)
            SetLive(connection, transaction, outcome.Machine, outcome.Live, finished);
        return true;
    });

    public void Requeue(string deploymentId, IReadOnlyList<string> machines) => Write((connection, transaction) =>
    {
        foreach (var machine in machines)
            Execute(connection, transaction, "UPDATE rollouts SET status = 'queued' WHERE deployment_id = @id AND machine = @machine AND status = 'running'",
                ("@id", deploymentId), ("@machine", machine));
        return true;
    });

    public bool Reconcile(string deploymentId) => Write((connection, transaction) =>
    {
        var status = Scalar(connection, transaction, "SELECT status FROM deployments WHERE id = @id", ("@id", deploymentId)) as string;
        if (status is not ("succeeded" or "failed" or "interrupted"))
            return false;
        Execute(connection, transaction, "UPDATE deployments SET status = 'queued', report = NULL, finished_at = NULL WHERE id = @id", ("@id", deploymentId));
        Execute(connection, transaction, "UPDATE rollouts SET status = 'queued', error_code = NULL, error_message = NULL WHERE deployment_id = @id AND status != 'superseded' AND mode = 'push'",
            ("@id", deploymentId));
        // A pull machine's agent applies the deployment it knows only once: one that has not reached it waits for its agent again.
        Execute(connection, transaction, """
            UPDATE rollouts SET status = 'pending', error_code = NULL, error_message = NULL
            WHERE deployment_id = @id AND mode = 'pull' AND status NOT IN ('superseded', 'deployed', 'unchanged')
            """, ("@id", deploymentId));
        if (Scalar(connection, transaction, "SELECT COUNT(*) FROM rollouts WHERE deployment_id = @id AND status = 'queued'", ("@id", deploymentId)) is 0L)
            Conclude(connection, transaction, deploymentId, DateTimeOffset.UtcNow);
        return true;
    });

    public DeploymentStatus FinishDeployment(string deploymentId, string? report, DateTimeOffset at) =>
        Write((connection, transaction) => Conclude(connection, transaction, deploymentId, at, report));

    /// <summary>
    /// Sets the deployment's status from its machines': queued while the runner has some to roll out, running while only
    /// pull machines' agents are still to apply it, else final.
    /// </summary>
    private static DeploymentStatus Conclude(SqliteConnection connection, SqliteTransaction transaction, string deploymentId, DateTimeOffset at, string? report = null)
    {
        var rows = Query(connection, transaction, "SELECT status, mode FROM rollouts WHERE deployment_id = @id",
            reader => (Status: reader.GetString(0), Pull: reader.GetString(1) == "pull"), ("@id", deploymentId));
        var done = rows.Where(row => row.Status != "superseded").ToList();
        var status = rows.Count > 0 && done.Count == 0 ? DeploymentStatus.Superseded
            : done.Any(row => !row.Pull && row.Status is "queued" or "running") ? DeploymentStatus.Queued
            : done.Any(row => row.Pull && row.Status is "pending" or "running") ? DeploymentStatus.Running
            : done.Any(row => row.Status == "interrupted") ? DeploymentStatus.Interrupted
            : done.All(row => ReachedStatuses.Contains(row.Status)) ? DeploymentStatus.Succeeded
            : DeploymentStatus.Failed;
        Execute(connection, transaction, "UPDATE deployments SET status = @status, report = COALESCE(@report, report), finished_at = @at WHERE id = @id",
            ("@id", deploymentId), ("@status", Names.Of(status)), ("@report", report), ("@at", status.IsFinal() ? Time.Format(at) : null));
        return status;
    }

    public IReadOnlyList<MachineState> Machines() => Read(connection =>
        Query(connection, null, $"{MachineColumns} ORDER BY name", MachineFrom));

    public MachineState? Machine(string name) => Read(connection =>
        Query(connection, null, $"{MachineColumns} WHERE name = @name", MachineFrom, ("@name", name)).FirstOrDefault());

    public string? DesiredDeploymentOf(string machine) => Read(connection =>
        Scalar(connection, null, "SELECT desired_deployment_id FROM machines WHERE name = @name", ("@name", machine)) as string);

    public void RecordLive(string machine, string? closure, DateTimeOffset at) => Write((connection, transaction) =>
    {
        SetLive(connection, transaction, machine, closure, Time.Format(at));
        return true;
    });

    public void AddRollback(RollbackRecord rollback) => Write((connection, transaction) =>
    {
        var outcome = rollback.Outcome;
        Execute(connection, transaction, """
            INSERT INTO rollbacks(machine, requested_at, finished_at, status, from_closure, to_closure, error_code, error_message)
            VALUES (@machine, @requested, @finished, @status, @from, @to, @code, @message)
            """, ("@machine", rollback.Machine), ("@requested", Time.Format(rollback.RequestedAt)), ("@finished", Time.Format(rollback.FinishedAt)),
            ("@status", outcome.Status), ("@from", outcome.FromClosure), ("@to", outcome.ToClosure), ("@code", outcome.ErrorCode), ("@message", outcome.ErrorMessage));
        Execute(connection, transaction, "UPDATE machines SET last_result = @status WHERE name = @machine", ("@machine", rollback.Machine), ("@status", outcome.Status));
        if (outcome.ErrorCode is null)
            SetLive(connection, transaction, rollback.Machine, outcome.ToClosure, Time.Format(rollback.FinishedAt));
        return true;
    });

    public StoreCounts Counts() => Read(connection =>
    {
        Dictionary<string, long> Grouped(string sql) =>
            Query(connection, null, sql, reader => (reader.GetString(0), reader.GetInt64(1))).ToDictionary(pair => pair.Item1, pair => pair.Item2, StringComparer.Ordinal);
        var durations = Query(connection, null, """
            SELECT COALESCE(SUM((julianday(finished_at) - julianday(started_at)) * 86400.0), 0), COUNT(*)
            FROM rollouts WHERE started_at IS NOT NULL AND finished_at IS NOT NULL AND status NOT IN ('superseded', 'queued', 'running')
            """, reader => (reader.GetDouble(0), reader.GetInt64(1))).Single();
        return new StoreCounts(
            (long)Scalar(connection, null, "SELECT COUNT(*) FROM deployments")!,
            Grouped("SELECT status, COUNT(*) FROM deployments GROUP BY status"),
            Grouped("SELECT status, COUNT(*) FROM rollouts GROUP BY status"),
            Grouped("SELECT COALESCE(last_result, 'never-deployed'), COUNT(*) FROM machines GROUP BY 1"),
            durations.Item1, durations.Item2);
    });

    private const string MachineColumns = "SELECT name, address, desired_closure, live_closure, last_result, last_deployment_id, last_seen FROM machines";

    private static MachineState MachineFrom(SqliteDataReader reader) => new(reader.GetString(0), reader.GetString(1), NullableString(reader, 2),
        NullableString(reader, 3), NullableString(reader, 4), NullableString(reader, 5), Time.ParseOrNull(reader, 6));

    private static void SetLive(SqliteConnection connection, SqliteTransaction transaction, string machine, string? closure, string at) =>
        Execute(connection, transaction, "UPDATE machines SET live_closure = @closure, last_seen = @at WHERE name = @machine",
            ("@machine", machine), ("@closure", closure), ("@at", at));

    private static List<string> MachinesOf(SqliteConnection connection, string deploymentId, string status) =>
        Query(connection, null, "SELECT machine FROM rollouts WHERE deployment_id = @id AND status = @status AND mode = 'push' ORDER BY machine",
            reader => reader.GetString(0), ("@id", deploymentId), ("@status", status));

    private static string? NullableString(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    private T Read<T>(Func<SqliteConnection, T> action)
    {
        using var connection = Connect();
        return action(connection);
    }

    private T Write<T>(Func<SqliteConnection, SqliteTransaction, T> action)
    {
        using var connection = Connect();
        // IMMEDIATE: the write lock is taken at the start, so a read-then-write never fails halfway on a busy database.
        using var transaction = connection.BeginTransaction(deferred: false);
        var result = action(connection, transaction);
        transaction.Commit();
        return result;
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteScalar() is var value && value is DBNull ? null : value;
    }

    private static List<T> Query<T>(SqliteConnection connection, SqliteTransaction? transaction, string sql, Func<SqliteDataReader, T> row, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
            rows.Add(row(reader));
        return rows;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>Times as UTC text with milliseconds, which SQLite's date functions read.</summary>
    private static class Time
    {
        public static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        public static DateTimeOffset Parse(string text) =>
            DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

        public static DateTimeOffset? ParseOrNull(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : Parse(reader.GetString(column));
    }
}
