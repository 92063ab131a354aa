using System.CommandLine;
using Pipelines.Orchestration;

namespace Pipelines.Hosting;

/// <summary><c>worker</c>: a Hangfire server for this pipeline's queue with no run of its own (PostgreSQL mode).</summary>
internal static class WorkerCommand
{
    public static Command Create(Pipeline pipeline, CommonOptions common)
    {
        var workers = new Option<int?>("--workers") { Description = "Hangfire workers in this process (default: cores, at least 2)." };
        var command = new Command("worker", "Run node jobs of this pipeline from the shared PostgreSQL store until stopped (Ctrl+C).") { workers };
        command.SetAction(async (parse, ct) =>
        {
            var paths = common.Paths(parse);
            if (CommonOptions.Metadata(paths).Provider != Metadata.MetadataProvider.PostgreSql)
            {
                throw new HostUsageException("worker needs a shared PostgreSQL store: pass --db \"Host=...;Database=...\" or set PIPELINES_DB. " +
                    "With the embedded SQLite store, 'run' executes everything in its own process.");
            }

            var runner = new RunnerOptions();
            if (parse.GetValue(workers) is { } w)
            {
                runner = runner with { WorkerCount = Math.Max(1, w) };
            }

            await using var engine = await RunCommand.StartEngineAsync(pipeline, paths, runner, line => Console.WriteLine(line), ct).ConfigureAwait(false);
            Console.WriteLine($"Worker for '{pipeline.Name}' on queue '{engine.Runtime.Queue}' with {runner.WorkerCount} workers ({engine.Store.Options.Redacted()}). Ctrl+C stops.");
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    // Besides running jobs, sweep for nodes whose worker died so they restart without waiting for a `run` process.
                    await engine.RecoverAsync(null, ct).ConfigureAwait(false);
                    await Task.Delay(runner.Lease / 2, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.WriteLine("Stopping: running nodes are handed back and restart on another worker.");
            }

            return 0;
        });
        return command;
    }
}
