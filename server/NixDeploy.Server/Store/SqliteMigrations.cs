using Microsoft.Data.Sqlite;
using NixDeploy.Diagnostics;

namespace NixDeploy.Server.Store;

/// <summary>
/// The database's schema as ordered steps: step N brings version N-1 to N, in one transaction with the new version
/// in <c>schema_version</c>. A database at a version newer than the last step was written by a newer server: this one
/// refuses it (ND8001) instead of misreading it.
/// </summary>
public static class SqliteMigrations
{
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE tokens(
          id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, secret_hash BLOB NOT NULL,
          created_at TEXT NOT NULL, revoked_at TEXT);
        CREATE TABLE deployments(
          seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, received_at TEXT NOT NULL, git_commit TEXT,
          desired_state TEXT NOT NULL, status TEXT NOT NULL, finished_at TEXT, report TEXT);
        CREATE TABLE rollouts(
          deployment_id TEXT NOT NULL REFERENCES deployments(id), machine TEXT NOT NULL, address TEXT NOT NULL,
          closure TEXT, status TEXT NOT NULL, previous_closure TEXT, started_at TEXT, finished_at TEXT,
          steps TEXT NOT NULL DEFAULT '[]', timeline TEXT NOT NULL DEFAULT '[]', error_code TEXT, error_message TEXT,
          superseded_by TEXT, PRIMARY KEY(deployment_id, machine));
        CREATE INDEX rollouts_by_status ON rollouts(status, machine);
        CREATE TABLE machines(
          name TEXT PRIMARY KEY, address TEXT NOT NULL, desired_closure TEXT, desired_deployment_id TEXT,
          live_closure TEXT, last_result TEXT, last_deployment_id TEXT, last_seen TEXT);
        CREATE TABLE rollbacks(
          seq INTEGER PRIMARY KEY AUTOINCREMENT, machine TEXT NOT NULL, requested_at TEXT NOT NULL,
          finished_at TEXT NOT NULL, status TEXT NOT NULL, from_closure TEXT, to_closure TEXT, error_code TEXT,
          error_message TEXT);
        """,
        """
        CREATE TABLE builds(
          seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, ref TEXT NOT NULL, git_commit TEXT,
          status TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, closures TEXT NOT NULL DEFAULT '',
          error_code TEXT, error_message TEXT, deployment_id TEXT);
        """,
        // Pull agents: a machine token's machine; who rolls a machine out (push: the runner, pull: its agent).
        """
        ALTER TABLE tokens ADD COLUMN machine TEXT;
        ALTER TABLE rollouts ADD COLUMN mode TEXT NOT NULL DEFAULT 'push';
        """,
    ];

    public static int Latest => Steps.Length;

    /// <summary>Brings the database to <see cref="Latest"/>; returns the version it is at.</summary>
    public static int Apply(SqliteConnection connection, string databaseFile)
    {
        Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
        var current = Current(connection);
        if (current > Latest)
            throw new NixDeployException(ErrorCodes.ServerSchemaTooNew,
                $"The control plane's database is at schema version {current}, but this server knows versions up to {Latest}: a newer NixDeploy.Tool wrote it. Run that version (or newer) of 'dotnet nixdeploy serve'; this one changed nothing.",
                databaseFile);
        for (var version = current + 1; version <= Latest; version++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, transaction, Steps[version - 1]);
            Execute(connection, transaction, "DELETE FROM schema_version");
            Execute(connection, transaction, $"INSERT INTO schema_version(version) VALUES ({version})");
            transaction.Commit();
        }
        return Latest;
    }

    private static int Current(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(version) FROM schema_version";
        return command.ExecuteScalar() is long version ? (int)version : 0;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
