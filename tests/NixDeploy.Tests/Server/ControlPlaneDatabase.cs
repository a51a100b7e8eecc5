using Microsoft.Data.Sqlite;
using NixDeploy.Server.Store;

namespace NixDeploy.Tests.Server;

/// <summary>The server's SQLite file read (or, to fake a newer server, written) directly by a test, without pooling.</summary>
public static class ControlPlaneDatabase
{
    public static object? Scalar(string data, string sql)
    {
        using var connection = Open(data);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public static long Count(string data, string table) => (long)Scalar(data, $"SELECT COUNT(*) FROM {table}")!;

    private static SqliteConnection Open(string data)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(data, SqliteControlPlaneStore.FileName)};Pooling=False");
        connection.Open();
        return connection;
    }
}
