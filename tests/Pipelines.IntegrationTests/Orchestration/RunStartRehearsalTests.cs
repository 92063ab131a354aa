using Microsoft.EntityFrameworkCore;
using Pipelines.IntegrationTests.TestKit;
using Pipelines.Metadata;
using Pipelines.Orchestration;

namespace Pipelines.IntegrationTests.Orchestration;

/// <summary>The engine rehearses a run's start on the SQLite store (to pay EF Core's first uses before a run): nothing may stay.</summary>
public sealed class RunStartRehearsalTests
{
    [Theory]
    [InlineData(false)] // a fresh store: the rehearsal creates the pipeline's context and the execution types too
    [InlineData(true)] // after a run: they exist
    public async Task RehearseStartRunAsync_OnSqlite_KeepsNoRowAndTheNextRunGetsTheIdsItWouldHaveHad(bool afterARun)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(StoreKind.Sqlite, temp.Path);
        var a = new Step("a");
        var b = new Step("b", null, [a.Output]);
        var pipeline = new Pipeline("rehearsed", [a, b]);
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path, new RunnerOptions { RunWorkers = false });
        var (firstRun, firstRoots) = afterARun
            ? await engine.Ledger.StartRunAsync(pipeline, new Dictionary<string, string>(), noCache: false, CancellationToken.None)
            : (0L, (IReadOnlyList<long>)[0L]);
        var before = await SnapshotAsync(engine.Store);

        await engine.Ledger.RehearseStartRunAsync(pipeline, CancellationToken.None);
        await engine.Ledger.RehearseStartRunAsync(pipeline, CancellationToken.None);

        Assert.Equal(before, await SnapshotAsync(engine.Store));
        var (runId, roots) = await engine.Ledger.StartRunAsync(pipeline, new Dictionary<string, string> { ["p"] = "1" }, noCache: false, CancellationToken.None);
        // Contexts: the pipeline's (1) then one per run; executions: one per node.
        Assert.Equal(afterARun ? firstRun + 1 : 2, runId);
        Assert.Equal([afterARun ? firstRoots[0] + 2 : 1], roots);
        await using var db = engine.Store.CreateContext();
        Assert.Equal(afterARun ? 2 : 1, await db.Contexts.CountAsync(c => c.Kind == ContextKind.Run));
        Assert.Equal(1, await db.ExecutionTypes.CountAsync()); // both nodes are Steps
    }

    [SkippableFact]
    public async Task RehearseAsync_OnPostgres_IsRefusedBecauseSequencesWouldAdvance()
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(StoreKind.Postgres, temp.Path);
        var pipeline = new Pipeline("rehearsed", [new Step("a")]);
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path, new RunnerOptions { RunWorkers = false });

        var refused = await Assert.ThrowsAsync<NotSupportedException>(() => engine.Ledger.RehearseStartRunAsync(pipeline, CancellationToken.None));

        Assert.Contains("PostgreSQL's id sequences", refused.Message, StringComparison.Ordinal);
        await using var db = engine.Store.CreateContext();
        Assert.Equal(0, await db.Contexts.CountAsync());
    }

    /// <summary>Row counts of the tables a run's start writes, and SQLite's id counters.</summary>
    private static async Task<string> SnapshotAsync(MetadataStore store)
    {
        await using var db = store.CreateContext();
        var counts = $"{await db.Contexts.CountAsync()} {await db.Executions.CountAsync()} {await db.ExecutionTypes.CountAsync()} {await db.Associations.CountAsync()}";
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(name || '=' || seq, ',') FROM (SELECT name, seq FROM sqlite_sequence ORDER BY name)";
        return counts + " | " + await command.ExecuteScalarAsync();
    }
}
