using Microsoft.EntityFrameworkCore;
using Pipelines.IntegrationTests.TestKit;
using Pipelines.Metadata;
using Pipelines.Orchestration;

namespace Pipelines.IntegrationTests.Orchestration;

/// <summary>Cache safety and failure bookkeeping beyond the basic scenarios.</summary>
public sealed class CacheAndFailureTests
{
    private static async Task<RunProgress> RunAsync(PipelineEngine engine, bool noCache = false)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var runId = await engine.StartRunAsync(new Dictionary<string, string>(), noCache, cts.Token);
        return await engine.WaitAsync(runId, null, cts.Token);
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Run_CachedOutputsDeletedFromDisk_ReRunsAndSaysTheyAreGone(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var a = new Step("a");
        var pipeline = new Pipeline("gone", [a]);
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path);
        await RunAsync(engine);
        Directory.Delete(Path.Combine(temp.Path, "artifacts"), recursive: true);

        var second = await RunAsync(engine);
        Assert.Equal(RunState.Succeeded, second.State);
        Assert.Equal(ExecutionState.Complete, second.Nodes[0].State);
        Assert.Contains("gone", second.Nodes[0].CacheExplanation);
        Assert.Equal(2, a.Executions);
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    public async Task Run_NodeWithCacheDisabled_ReRunsEveryTimeWhileOthersAreCached(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var a = new Step("a");
        var b = new Step("b", null, [a.Output]) { EnableCache = false };
        var pipeline = new Pipeline("nocache", [a, b]);
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path);
        await RunAsync(engine);
        var second = await RunAsync(engine);
        Assert.Equal(ExecutionState.Cached, second.Nodes[0].State);
        Assert.Equal(ExecutionState.Complete, second.Nodes[1].State);
        Assert.Contains("caching is disabled for node 'b' (EnableCache = false)", second.Nodes[1].CacheExplanation);
        Assert.Equal(2, b.Executions);
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Run_ValidationFailureWithDiagnostics_PublishesThemButFailsAndNeverCachesThem(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var a = new Step("a");
        var v = new Step("v", new StepOptions("v", "bad-data-publish"), [a.Output]);
        var after = new Step("after", null, [v.Output]);
        var pipeline = new Pipeline("diag", [a, v, after]);
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path);
        var run = await RunAsync(engine);

        Assert.Equal(RunState.Failed, run.State);
        Assert.Equal(ExecutionState.Failed, run.Nodes[1].State);
        Assert.Equal(ExecutionState.Canceled, run.Nodes[2].State);
        await using (var db = engine.Store.CreateContext())
        {
            var execution = await db.Executions.SingleAsync(e => e.RunId == run.RunId && e.NodeId == "v");
            var output = await db.Artifacts.SingleAsync(x => x.ProducerExecutionId == execution.Id);
            Assert.Equal(ArtifactState.Live, output.State);
            Assert.Contains("\"blessed\":0", output.PropertiesJson);
            Assert.True(await db.Events.AnyAsync(e => e.ExecutionId == execution.Id && e.Kind == EventKind.Output));
        }

        var again = await RunAsync(engine);
        Assert.Equal(ExecutionState.Failed, again.Nodes[1].State);
        Assert.Equal(2, v.Executions);
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task CancelRunAsync_WhileANodeRuns_FailsTheRunAndPublishesNothing(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var slow = new Step("slow", new StepOptions("s", DelayMs: 1500));
        var after = new Step("after", null, [slow.Output]);
        var pipeline = new Pipeline("cancel", [slow, after]);
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path,
            new RunnerOptions { Lease = TimeSpan.FromMilliseconds(600) });
        var runId = await engine.StartRunAsync(new Dictionary<string, string>(), false, CancellationToken.None);
        while ((await engine.GetProgressAsync(runId, CancellationToken.None)).Nodes[0].State != ExecutionState.Running)
        {
            await Task.Delay(20);
        }

        await engine.Ledger.CancelRunAsync(runId, "canceled by test", CancellationToken.None);
        await Task.Delay(2000);

        var progress = await engine.GetProgressAsync(runId, CancellationToken.None);
        Assert.Equal(RunState.Failed, progress.State);
        Assert.Equal("canceled by test", progress.Error);
        Assert.All(progress.Nodes, n => Assert.Equal(ExecutionState.Canceled, n.State));
        await using var db = engine.Store.CreateContext();
        Assert.False(await db.Artifacts.AnyAsync(x => x.State == ArtifactState.Live));
    }

    [SkippableFact]
    public async Task StartAsync_EmbeddedStoreWithRunLeftByADeadProcess_MarksThatRunFailed()
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(StoreKind.Sqlite, temp.Path);
        var pipeline = new Pipeline("orphan", [new Step("a")]);
        long runId;
        await using (var dead = await EngineFactory.StartAsync(pipeline, metadata, temp.Path, new RunnerOptions { RunWorkers = false }))
        {
            runId = await dead.StartRunAsync(new Dictionary<string, string>(), false, CancellationToken.None);
        }

        await Task.Delay(700);
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path, new RunnerOptions { Lease = TimeSpan.FromMilliseconds(300) });
        var progress = await engine.GetProgressAsync(runId, CancellationToken.None);
        Assert.Equal(RunState.Failed, progress.State);
        Assert.StartsWith("abandoned: the process running it stopped", progress.Error);
    }
}
