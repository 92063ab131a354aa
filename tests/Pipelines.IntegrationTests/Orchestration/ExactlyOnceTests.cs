using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pipelines.IntegrationTests.TestKit;
using Pipelines.Metadata;
using Pipelines.Orchestration;

namespace Pipelines.IntegrationTests.Orchestration;

/// <summary>At-least-once delivery and concurrent completions must not run or enqueue anything twice.</summary>
public sealed class ExactlyOnceTests
{
    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task CompleteAsync_TwoParentsFinishAtOnce_ChildEnqueuedExactlyOnce(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var p1 = new Step("p1");
        var p2 = new Step("p2");
        var child = new Step("child", null, [p1.Output, p2.Output]);
        var pipeline = new Pipeline("join", [p1, p2, child]);
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path, new RunnerOptions { RunWorkers = false });
        var ledger = engine.Ledger;

        for (var round = 0; round < 15; round++)
        {
            var (runId, roots) = await ledger.StartRunAsync(pipeline, new Dictionary<string, string>(), noCache: true, CancellationToken.None);
            var prepared = new List<(long Id, string Owner, long ArtifactId, string NodeId)>();
            foreach (var id in roots)
            {
                var owner = $"w{id}";
                var claim = await ledger.ClaimAsync(pipeline, id, owner, TimeSpan.FromMinutes(1), 3, CancellationToken.None);
                Assert.Equal(ClaimOutcome.Claimed, claim.Outcome);
                var snapshot = await ledger.LoadAsync(id, CancellationToken.None);
                var key = new CacheKey("t", "1", "{}", [], [], new Dictionary<string, string>());
                var decision = await ledger.DecideAsync(pipeline, pipeline[snapshot!.Execution.NodeId], id, owner, claim.Attempt, key, "{}",
                    new Dictionary<string, IReadOnlyList<Artifact>>(), "test", CancellationToken.None);
                prepared.Add((id, owner, decision.PendingOutputs["out"].Id, snapshot.Execution.NodeId));
            }

            using var start = new Barrier(prepared.Count);
            var completions = prepared.Select(p => Task.Run(async () =>
            {
                start.SignalAndWait();
                return await ledger.CompleteAsync(pipeline, runId, p.NodeId, p.Id, p.Owner, [new PublishedOutput(p.ArtifactId, "out", "{}", "h" + p.Id, 1)], null, CancellationToken.None);
            })).ToList();
            var results = await Task.WhenAll(completions);

            var enqueued = results.SelectMany(r => r!).ToList();
            Assert.Single(enqueued);
            await using var db = engine.Store.CreateContext();
            var childRow = await db.Executions.SingleAsync(e => e.RunId == runId && e.NodeId == "child");
            Assert.Equal(childRow.Id, enqueued[0]);
            Assert.Equal(0, childRow.PendingParents);
            Assert.True(childRow.Enqueued);
        }
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task NodeJob_DeliveredTwiceAtOnce_RunsTheExecutorOnceAndPublishesOnce(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var slow = new Step("slow", new StepOptions("x", DelayMs: 500));
        var pipeline = new Pipeline("dup", [slow]);
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path, new RunnerOptions { RunWorkers = false });
        var (runId, roots) = await engine.Ledger.StartRunAsync(pipeline, new Dictionary<string, string>(), noCache: false, CancellationToken.None);

        var job1 = new NodeJob(engine.Runtime).ExecuteAsync(roots[0], CancellationToken.None);
        var job2 = new NodeJob(engine.Runtime).ExecuteAsync(roots[0], CancellationToken.None);
        await Task.WhenAll(job1, job2);
        // A late third delivery after completion is a no-op too.
        await new NodeJob(engine.Runtime).ExecuteAsync(roots[0], CancellationToken.None);

        Assert.Equal(1, slow.Executions);
        await using var db = engine.Store.CreateContext();
        var execution = await db.Executions.SingleAsync(e => e.Id == roots[0]);
        Assert.Equal(ExecutionState.Complete, execution.State);
        Assert.Equal(1, execution.Attempts);
        Assert.Single(await db.Artifacts.Where(a => a.ProducerExecutionId == execution.Id).ToListAsync());
        Assert.Single(await db.Events.Where(e => e.ExecutionId == execution.Id && e.Kind == EventKind.Output).ToListAsync());
        var run = await db.Contexts.SingleAsync(c => c.Id == runId);
        Assert.Equal(RunState.Succeeded, run.State);
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task ClaimAsync_WorkerDiedEveryTime_FailsTheNodeAsCrashLoopAfterMaxAttempts(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var node = new Step("n");
        var after = new Step("after", null, [node.Output]);
        var pipeline = new Pipeline("crash", [node, after]);
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path, new RunnerOptions { RunWorkers = false });
        var (runId, roots) = await engine.Ledger.StartRunAsync(pipeline, new Dictionary<string, string>(), noCache: false, CancellationToken.None);

        // Three workers each claim with a lease that is already over, as if each died right after claiming.
        for (var i = 0; i < 3; i++)
        {
            var claim = await engine.Ledger.ClaimAsync(pipeline, roots[0], $"dead{i}", TimeSpan.FromMilliseconds(-1), 3, CancellationToken.None);
            Assert.Equal(ClaimOutcome.Claimed, claim.Outcome);
        }

        var last = await engine.Ledger.ClaimAsync(pipeline, roots[0], "w4", TimeSpan.FromMinutes(1), 3, CancellationToken.None);
        Assert.Equal(ClaimOutcome.CrashLoopFailed, last.Outcome);
        var progress = await engine.GetProgressAsync(runId, CancellationToken.None);
        Assert.Equal(RunState.Failed, progress.State);
        Assert.Contains("started 3 times without finishing", progress.Nodes[0].Error);
        Assert.Equal(ExecutionState.Canceled, progress.Nodes[1].State);
        _ = JsonSerializer.Serialize(progress);
    }
}
