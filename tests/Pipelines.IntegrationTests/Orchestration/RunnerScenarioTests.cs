using Microsoft.EntityFrameworkCore;
using Pipelines.IntegrationTests.TestKit;
using Pipelines.Metadata;
using Pipelines.Orchestration;

namespace Pipelines.IntegrationTests.Orchestration;

/// <summary>The DAG runner end to end on Hangfire, on SQLite (in-memory Hangfire) and on a real PostgreSQL server.</summary>
public sealed class RunnerScenarioTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    private static (Pipeline Pipeline, Step A, Step B, Step C, Step D) Diamond(StepOptions? b = null, StepOptions? c = null, StepOptions? a = null)
    {
        var sa = new Step("a", a);
        var sb = new Step("b", b, [sa.Output]);
        var sc = new Step("c", c, [sa.Output]);
        var sd = new Step("d", null, [sb.Output, sc.Output]);
        return (new Pipeline("diamond", [sa, sb, sc, sd]), sa, sb, sc, sd);
    }

    private static async Task<RunProgress> RunAsync(PipelineEngine engine, bool noCache = false, Dictionary<string, string>? parameters = null)
    {
        using var cts = new CancellationTokenSource(s_timeout);
        var runId = await engine.StartRunAsync(parameters ?? [], noCache, cts.Token);
        return await engine.WaitAsync(runId, null, cts.Token);
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Run_Diamond_CompletesEveryNodeOnceAndPublishesLiveOutputs(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var (pipeline, a, b, c, d) = Diamond();
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path);
        var progress = await RunAsync(engine);

        Assert.Equal(RunState.Succeeded, progress.State);
        Assert.All(progress.Nodes, n => Assert.Equal(ExecutionState.Complete, n.State));
        Assert.Equal([1, 1, 1, 1], new[] { a.Executions, b.Executions, c.Executions, d.Executions });

        await using var db = engine.Store.CreateContext();
        var dExecution = await db.Executions.SingleAsync(e => e.RunId == progress.RunId && e.NodeId == "d");
        var output = await db.Artifacts.SingleAsync(x => x.ProducerExecutionId == dExecution.Id);
        Assert.Equal(ArtifactState.Live, output.State);
        Assert.Equal("abacd", File.ReadAllText(Path.Combine(output.Uri, "value.txt")));
        Assert.Equal(2, await db.Events.CountAsync(e => e.ExecutionId == dExecution.Id && e.Kind == EventKind.Input));
        Assert.NotNull(output.ContentHash);
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task StartAndDispose_EngineWarmUp_WritesNothingAndTheFirstRunStillRunsEveryNode(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var (pipeline, a, b, c, d) = Diamond();

        // An engine that starts (warming the claim path on an execution that does not exist) and stops at once.
        await using (await EngineFactory.StartAsync(pipeline, metadata, temp.Path))
        {
        }

        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path);
        await using (var db = engine.Store.CreateContext())
        {
            Assert.Equal(0, await db.Executions.CountAsync());
            Assert.Equal(0, await db.Contexts.CountAsync(x => x.Kind == ContextKind.Run));
            Assert.Equal(0, await db.Artifacts.CountAsync());
        }

        var progress = await RunAsync(engine);

        Assert.Equal(RunState.Succeeded, progress.State);
        Assert.Equal([1, 1, 1, 1], new[] { a.Executions, b.Executions, c.Executions, d.Executions });
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Run_Unchanged_SecondRunIsFullyCachedAndSaysFromWhichRun(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var (pipeline, a, _, _, d) = Diamond();
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path);
        var first = await RunAsync(engine);
        var second = await RunAsync(engine);

        Assert.Equal(RunState.Succeeded, second.State);
        Assert.All(second.Nodes, n => Assert.Equal(ExecutionState.Cached, n.State));
        Assert.All(second.Nodes, n => Assert.Contains($"reused outputs of run {first.RunId}", n.CacheExplanation));
        Assert.Equal(1, a.Executions);
        Assert.Equal(1, d.Executions);

        var third = await RunAsync(engine, noCache: true);
        Assert.All(third.Nodes, n => Assert.Equal(ExecutionState.Complete, n.State));
        Assert.All(third.Nodes, n => Assert.Contains("--no-cache", n.CacheExplanation));
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Run_ParameterChanged_ReRunsThatNodeAndDownstreamAndExplainsWhy(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        {
            var (pipeline, _, _, _, _) = Diamond();
            await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path);
            await RunAsync(engine);
        }

        var (changed, _, _, c, _) = Diamond(c: new StepOptions("C2"));
        await using var engine2 = await EngineFactory.StartAsync(changed, metadata, temp.Path);
        var run = await RunAsync(engine2);
        var byNode = run.Nodes.ToDictionary(n => n.NodeId);
        Assert.Equal(ExecutionState.Cached, byNode["a"].State);
        Assert.Equal(ExecutionState.Cached, byNode["b"].State);
        Assert.Equal(ExecutionState.Complete, byNode["c"].State);
        Assert.Contains("parameter 'Value' changed from \"c\" to \"C2\"", byNode["c"].CacheExplanation);
        Assert.Equal(ExecutionState.Complete, byNode["d"].State);
        Assert.Contains("input 'in1' content changed", byNode["d"].CacheExplanation);
        Assert.Equal(1, c.Executions);
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Run_NodeThrows_OutputsNotLiveDescendantsCanceledOtherBranchFinishesRunFailed(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var (pipeline, _, _, c, d) = Diamond(b: new StepOptions("b", "throw"), c: new StepOptions("c", DelayMs: 300));
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path);
        var run = await RunAsync(engine);
        var byNode = run.Nodes.ToDictionary(n => n.NodeId);

        Assert.Equal(RunState.Failed, run.State);
        Assert.Contains("node 'b' failed", run.Error);
        Assert.Contains("exploded on purpose", run.Error);
        Assert.Equal(ExecutionState.Failed, byNode["b"].State);
        Assert.Equal(ExecutionState.Complete, byNode["c"].State);
        Assert.Equal(ExecutionState.Canceled, byNode["d"].State);
        Assert.Contains("upstream node 'b' failed", byNode["d"].Error);
        Assert.Equal(1, c.Executions);
        Assert.Equal(0, d.Executions);

        await using var db = engine.Store.CreateContext();
        var b = await db.Executions.SingleAsync(e => e.RunId == run.RunId && e.NodeId == "b");
        Assert.All(await db.Artifacts.Where(x => x.ProducerExecutionId == b.Id).ToListAsync(), x => Assert.Equal(ArtifactState.Abandoned, x.State));

        // A failed node's outputs never feed the cache: the next run re-runs b.
        var again = await RunAsync(engine);
        Assert.Equal(ExecutionState.Failed, again.Nodes.Single(n => n.NodeId == "b").State);
        Assert.Contains("failed", again.Nodes.Single(n => n.NodeId == "b").CacheExplanation);
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Run_BadInputError_FailsAtOnceWithoutRetry(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var (pipeline, _, b, _, _) = Diamond(b: new StepOptions("b", "bad-data"));
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path);
        var run = await RunAsync(engine);

        Assert.Equal(RunState.Failed, run.State);
        Assert.Equal("b: column 'x' is bad", run.Nodes.Single(n => n.NodeId == "b").Error);
        Assert.Equal(1, b.Executions);
    }

    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Run_TransientError_IsRetriedAndSucceeds(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var (pipeline, _, b, _, _) = Diamond(b: new StepOptions("b", "transient-once"));
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path);
        var run = await RunAsync(engine);

        Assert.Equal(RunState.Succeeded, run.State);
        Assert.Equal(2, b.Executions);
        await using var db = engine.Store.CreateContext();
        var execution = await db.Executions.SingleAsync(e => e.RunId == run.RunId && e.NodeId == "b");
        Assert.Equal(2, execution.Attempts);
        var artifacts = await db.Artifacts.Where(x => x.ProducerExecutionId == execution.Id).OrderBy(x => x.Id).ToListAsync();
        Assert.Equal([ArtifactState.Abandoned, ArtifactState.Live], artifacts.Select(x => x.State));
    }
}
