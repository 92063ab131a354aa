using Microsoft.EntityFrameworkCore;
using Pipelines.Metadata;
using Pipelines.Orchestration;

namespace Pipelines.Bench;

/// <summary>Median hop latency (node end → next node start) of a 10-node chain of no-op components.</summary>
public static class OrchestrationBenchmark
{
    public static async Task<BenchResult> RunAsync(string label, MetadataStoreOptions metadata, string folder, int runs, HopTracer? tracer = null)
    {
        NoOp? previous = null;
        var nodes = new List<Component>();
        for (var i = 0; i < 10; i++)
        {
            var node = new NoOp($"n{i}", previous?.Output);
            nodes.Add(node);
            previous = node;
        }

        var pipeline = new Pipeline("hops", nodes);
        await using var engine = await PipelineEngine.StartAsync(pipeline,
            new EngineSettings(metadata, Path.Combine(folder, "artifacts"), Path.Combine(folder, "schemas"), new RunnerOptions { WorkerCount = 2 }),
            TimeProvider.System, null, CancellationToken.None);

        var hops = new List<double>();
        var walls = new List<double>();
        for (var r = 0; r < runs + 1; r++)
        {
            var started = DateTime.UtcNow;
            var runId = await engine.StartRunAsync(new Dictionary<string, string>(), noCache: true, CancellationToken.None);
            var progress = await engine.WaitAsync(runId, null, CancellationToken.None);
            if (progress.State != RunState.Succeeded)
            {
                throw new InvalidOperationException($"benchmark run failed: {progress.Error}");
            }

            if (r == 0)
            {
                continue; // warm-up: JIT, connection pools
            }

            await using var db = engine.Store.CreateContext();
            var executions = await db.Executions.Where(e => e.RunId == runId).OrderBy(e => e.Position).ToListAsync();
            for (var i = 1; i < executions.Count; i++)
            {
                hops.Add((executions[i].StartedAt!.Value - executions[i - 1].EndedAt!.Value).TotalMilliseconds);
            }

            walls.Add((executions[^1].EndedAt!.Value - started).TotalMilliseconds);
            tracer?.AddRun(executions);
        }

        hops.Sort();
        walls.Sort();
        return new BenchResult(label, new()
        {
            ["hops"] = hops.Count,
            ["median hop ms"] = hops[hops.Count / 2],
            ["p95 hop ms"] = hops[(int)(hops.Count * 0.95)],
            ["median 10-node run ms"] = walls[walls.Count / 2],
        });
    }
}
