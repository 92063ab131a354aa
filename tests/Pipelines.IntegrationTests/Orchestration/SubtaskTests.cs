using Microsoft.EntityFrameworkCore;
using Pipelines.IntegrationTests.TestKit;
using Pipelines.Metadata;
using Pipelines.Orchestration;

namespace Pipelines.IntegrationTests.Orchestration;

/// <summary>Subtasks (Tuner trials) run as their own Hangfire jobs, are recorded, and never deadlock a lone worker.</summary>
public sealed class SubtaskTests
{
    [SkippableTheory]
    [InlineData(StoreKind.Sqlite, 1)]
    [InlineData(StoreKind.Sqlite, 3)]
    [InlineData(StoreKind.Postgres, 2)]
    public async Task RunAsync_FanOut_RecordsEveryTrialAndReturnsResultsInOrder(StoreKind kind, int workers)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var pipeline = new Pipeline("fan", [new FanOut("fan", 5)]);
        await using var engine = await EngineFactory.StartAsync(pipeline, metadata, temp.Path, new RunnerOptions { WorkerCount = workers });
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var runId = await engine.StartRunAsync(new Dictionary<string, string>(), false, cts.Token);
        var run = await engine.WaitAsync(runId, null, cts.Token);

        Assert.Equal(RunState.Succeeded, run.State);
        await using var db = engine.Store.CreateContext();
        var execution = await db.Executions.SingleAsync(e => e.RunId == runId);
        var output = await db.Artifacts.SingleAsync(a => a.ProducerExecutionId == execution.Id);
        Assert.Equal(["0:100", "1:121", "2:144", "3:error InvalidOperationException: unlucky", "4:196"], File.ReadAllLines(Path.Combine(output.Uri, "results.txt")));
        var trials = await db.Subtasks.Where(s => s.ExecutionId == execution.Id).OrderBy(s => s.Index).ToListAsync();
        Assert.Equal(5, trials.Count);
        Assert.All(trials, t => Assert.NotNull(t.EndedAt));
        Assert.Equal(SubtaskState.Failed, trials[3].State);
        Assert.All(trials.Where(t => t.Index != 3), t => Assert.Equal(SubtaskState.Succeeded, t.State));
        Assert.All(trials, t => Assert.Equal(1, t.Attempts));
    }
}
