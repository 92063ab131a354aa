using System.Globalization;
using Npgsql;

namespace Pipelines.Bench;

/// <summary>
/// A fresh, empty PostgreSQL database created on the admin connection for one benchmark case (so Hangfire's and the
/// metadata store's tables start empty) and dropped afterwards.
/// </summary>
public sealed class PostgresScratchDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private PostgresScratchDatabase(string adminConnectionString, string name, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>The admin connection string pointed at the new database.</summary>
    public string ConnectionString { get; }

    public static async Task<PostgresScratchDatabase> CreateAsync(string adminConnectionString)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"pipelines_bench_{DateTime.UtcNow:yyyyMMddHHmmss}_{Guid.NewGuid().ToString("N")[..8]}");
        await using (var connection = new NpgsqlConnection(adminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name };
        return new PostgresScratchDatabase(adminConnectionString, name, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            // Best effort: a leftover scratch database is harmless on a throwaway server.
            Console.Error.WriteLine($"warning: could not drop scratch database {Name}: {ex.Message}");
        }
    }
}
