using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Pipelines.Metadata;

/// <summary>
/// The metadata store: opens the database, creates the schema on first use, and runs short transactions.
/// State transitions of executions, artifacts and runs live in the orchestrator's ledger, each one transaction here.
/// </summary>
public sealed partial class MetadataStore : IAsyncDisposable
{
    /// <summary>The schema version this build writes.</summary>
    public const int SchemaVersion = 4;

    private readonly PooledDbContextFactory<MetadataDbContext> _factory;

    // SQLite allows one writer; serializing writers in-process avoids SQLITE_BUSY upgrade failures between our own threads.
    private readonly SemaphoreSlim _sqliteWriteGate = new(1, 1);

    private MetadataStore(MetadataStoreOptions options, TimeProvider time)
    {
        Options = options;
        Time = time;
        var builder = new DbContextOptionsBuilder<MetadataDbContext>();
        if (options.Provider == MetadataProvider.Sqlite)
        {
            builder.UseSqlite(options.ConnectionString).AddInterceptors(new SqlitePragmaInterceptor());
            UseCompiledSqliteModel(builder);
        }
        else
        {
            builder.UseNpgsql(options.ConnectionString);
        }

        builder.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
        _factory = new PooledDbContextFactory<MetadataDbContext>(builder.Options);
    }

    /// <summary>Where the store lives.</summary>
    public MetadataStoreOptions Options { get; }

    /// <summary>The clock used for timestamps.</summary>
    public TimeProvider Time { get; }

    /// <summary>The current UTC time.</summary>
    public DateTime UtcNow => Time.GetUtcNow().UtcDateTime;

    /// <summary>Opens the store, creating its tables on first use.</summary>
    /// <exception cref="InvalidOperationException">The database holds a newer or older schema version.</exception>
    public static async Task<MetadataStore> OpenAsync(MetadataStoreOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = new MetadataStore(options, time);
        try
        {
            await store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return store;
    }

    /// <summary>A new context for reads (no tracking).</summary>
    public MetadataDbContext CreateContext() => _factory.CreateDbContext();

    /// <summary>Runs <paramref name="work"/> in one read-write transaction, retrying on serialization failures and deadlocks.</summary>
    public async Task<T> InTransactionAsync<T>(Func<MetadataDbContext, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        const int maxAttempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var gated = Options.Provider == MetadataProvider.Sqlite;
            if (gated)
            {
                await _sqliteWriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await using var db = _factory.CreateDbContext();
                db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.TrackAll;
                await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                var result = await work(db, cancellationToken).ConfigureAwait(false);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (Exception ex) when (attempt < maxAttempts && IsRetryableConflict(ex))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt * attempt), Time, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (gated)
                {
                    _sqliteWriteGate.Release();
                }
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction.</summary>
    public Task InTransactionAsync(Func<MetadataDbContext, CancellationToken, Task> work, CancellationToken cancellationToken) =>
        InTransactionAsync<bool>(async (db, ct) =>
        {
            await work(db, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> and saves its changes in a transaction that is then rolled back: nothing it writes stays, and
    /// on SQLite not even the id counters move (they are rows of <c>sqlite_sequence</c>). For warming a write path's first-use
    /// costs (EF Core compiling its queries and update commands, the JIT) before a real write needs it. On PostgreSQL the
    /// sequences would still advance (ids would skip), so it is refused there.
    /// </summary>
    public async Task RehearseAsync(Func<MetadataDbContext, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Options.Provider != MetadataProvider.Sqlite)
        {
            throw new NotSupportedException("A rehearsal would advance PostgreSQL's id sequences; it is for the embedded SQLite store only.");
        }

        await _sqliteWriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = _factory.CreateDbContext();
            db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.TrackAll;
            await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await work(db, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sqliteWriteGate.Release();
        }
    }

    /// <summary>Whether an exception is a database error a retry may fix (lost connection, timeout, serialization).</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        NpgsqlException n => n.IsTransient,
        SqliteException s => s.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
        DbException d => d.IsTransient,
        DbUpdateException { InnerException: { } inner } => IsTransient(inner),
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _sqliteWriteGate.Dispose();
        if (Options.Provider == MetadataProvider.Sqlite)
        {
            // Release pooled SQLite handles so the file can be deleted or copied.
            SqliteConnection.ClearAllPools();
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static bool IsRetryableConflict(Exception ex) => ex switch
    {
        PostgresException p => p.SqlState is "40001" or "40P01" or "23505",
        SqliteException s => s.SqliteErrorCode is 5 or 6,
        DbUpdateException { InnerException: { } inner } => IsRetryableConflict(inner),
        InvalidOperationException { InnerException: { } inner } => IsRetryableConflict(inner),
        _ => false,
    };

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var db = _factory.CreateDbContext();
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (Options.Provider == MetadataProvider.PostgreSql)
        {
            // Several workers may start at once against an empty database: one creates, the others wait.
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(7461531)", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (!await creator.ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                await creator.CreateAsync(cancellationToken).ConfigureAwait(false);
            }

            // WAL lets readers (the progress view, `show`) run while a worker writes; it is a property of the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (!await TableExistsAsync(db, "mlmd_schema_version", cancellationToken).ConfigureAwait(false))
            {
                // Not EnsureCreated: the database may already hold other tables (Hangfire's), which makes EnsureCreated a no-op.
                await creator.CreateTablesAsync(cancellationToken).ConfigureAwait(false);
                await CreateAppendOnlyTriggersAsync(db, cancellationToken).ConfigureAwait(false);
                db.SchemaVersions.Add(new SchemaVersionRecord { Version = SchemaVersion, CreatedAt = UtcNow });
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            var versions = await db.SchemaVersions.Select(v => v.Version).ToListAsync(cancellationToken).ConfigureAwait(false);
            var found = versions.Count == 0 ? 0 : versions.Max();
            if (found == 3)
            {
                // Version 4 only adds the promotion log: create it in place rather than ask for a new database.
                await AddTablesAsync(db, [MetadataDbContext.PromotionTable], cancellationToken).ConfigureAwait(false);
                await CreateAppendOnlyTriggersAsync(db, cancellationToken).ConfigureAwait(false);
                db.SchemaVersions.Add(new SchemaVersionRecord { Version = 4, CreatedAt = UtcNow });
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                found = 4;
            }

            if (found != SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The metadata store ({Options.Redacted()}) has schema version {found}; this build uses version {SchemaVersion}. " +
                    "Use a build of the same version, or point --db at a new database.");
            }
        }
        finally
        {
            if (Options.Provider == MetadataProvider.PostgreSql)
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(7461531)", cancellationToken).ConfigureAwait(false);
                await db.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Creates tables added in a later schema version, from EF's own create script (the statements naming them).</summary>
    private static async Task AddTablesAsync(MetadataDbContext db, IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        var statements = db.Database.GenerateCreateScript()
            .Split(";", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(statement => tables.Any(t => statement.Contains($"\"{t}\"", StringComparison.Ordinal)));
        foreach (var statement in statements)
        {
            await db.Database.ExecuteSqlRawAsync(statement, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The promotion log is history: the database itself refuses to update or delete its rows.</summary>
    private async Task CreateAppendOnlyTriggersAsync(MetadataDbContext db, CancellationToken cancellationToken)
    {
        const string message = "mlmd_promotions is append-only: promotion history is never rewritten";
        if (Options.Provider == MetadataProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync(
                "CREATE TRIGGER IF NOT EXISTS mlmd_promotions_no_update BEFORE UPDATE ON mlmd_promotions BEGIN SELECT RAISE(ABORT, '" + message + "'); END;",
                cancellationToken).ConfigureAwait(false);
            await db.Database.ExecuteSqlRawAsync(
                "CREATE TRIGGER IF NOT EXISTS mlmd_promotions_no_delete BEFORE DELETE ON mlmd_promotions BEGIN SELECT RAISE(ABORT, '" + message + "'); END;",
                cancellationToken).ConfigureAwait(false);

            return;
        }

        await db.Database.ExecuteSqlRawAsync(
            $$"""
            CREATE OR REPLACE FUNCTION mlmd_promotions_append_only() RETURNS trigger AS $f$
            BEGIN RAISE EXCEPTION '{{message}}'; END; $f$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS mlmd_promotions_append_only ON mlmd_promotions;
            CREATE TRIGGER mlmd_promotions_append_only BEFORE UPDATE OR DELETE ON mlmd_promotions
                FOR EACH ROW EXECUTE FUNCTION mlmd_promotions_append_only();
            """, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> TableExistsAsync(MetadataDbContext db, string table, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = Options.Provider == MetadataProvider.Sqlite
            ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name"
            : "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @name";
        var parameter = command.CreateParameter();
        parameter.ParameterName = Options.Provider == MetadataProvider.Sqlite ? "$name" : "name";
        parameter.Value = table;
        command.Parameters.Add(parameter);
        var count = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        return count > 0;
    }

    private sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
    {
        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private static void Apply(DbConnection connection)
        {
            using var command = connection.CreateCommand();
            // Per connection and cheap: NORMAL is durable across process crashes in WAL mode (set once per file at open).
            // Busy waits are Microsoft.Data.Sqlite's own (command timeout), so no busy_timeout pragma.
            command.CommandText = "PRAGMA synchronous=NORMAL;";
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Makes SQLite contexts run on the compiled model (MetadataStore.CompiledModel.cs): building the model from
    /// <c>OnModelCreating</c> took ≈ 0.74 s of every CLI process's start. Not implemented in the design-time build that
    /// regenerates the compiled model (CompiledModels/regenerate.sh), which must compile without it.
    /// </summary>
    static partial void UseCompiledSqliteModel(DbContextOptionsBuilder<MetadataDbContext> builder);
}
