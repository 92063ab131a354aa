using Npgsql;

namespace Pipelines.IntegrationTests.TestKit;

/// <summary>
/// The real PostgreSQL server of the test run, from <c>PIPELINES_TEST_POSTGRES</c> (set by <c>.ci/run</c>). Each call to
/// <see cref="CreateDatabaseAsync"/> makes a fresh database so tests never share state. Unset: tests are skipped locally and
/// fail when <c>CI=true</c>.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "PIPELINES_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(EnvironmentVariable);

    public static bool IsRequired => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A connection string to a new empty database, or null when no server is configured (and not in CI).</summary>
    public static async Task<string?> CreateDatabaseAsync()
    {
        var admin = ConnectionString;
        if (string.IsNullOrEmpty(admin))
        {
            if (IsRequired)
            {
                throw new InvalidOperationException($"CI=true but {EnvironmentVariable} is not set: .ci/run must start PostgreSQL and export it.");
            }

            return null;
        }

        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }
}
