using System.CommandLine;
using Pipelines.Metadata;
using Pipelines.Orchestration;

namespace Pipelines.Hosting;

/// <summary><c>run</c>: starts a run, shows per-node progress live, exits 0 only when the run succeeded.</summary>
internal static class RunCommand
{
    public static Command Create(Pipeline pipeline, CommonOptions common)
    {
        var noCache = new Option<bool>("--no-cache") { Description = "Recompute every node; do not reuse earlier outputs." };
        var parameters = new Option<string[]>("--param")
        {
            Description = $"A pipeline parameter as name=value (repeatable). Parameters: {Describe(pipeline)}",
            AllowMultipleArgumentsPerToken = false,
        };
        var workers = new Option<int?>("--workers")
        {
            Description = "Hangfire workers in this process (default: cores, at least 2); 0 = only start and watch the run (PostgreSQL, with separate `worker` processes).",
        };
        var command = new Command("run", "Run the pipeline and wait for it to finish.") { noCache, parameters, workers };
        command.SetAction(async (parse, ct) =>
        {
            var values = ParseParameters(pipeline, parse.GetValue(parameters) ?? []);
            var paths = common.Paths(parse);
            var runner = new RunnerOptions();
            if (parse.GetValue(workers) is { } w)
            {
                if (w == 0 && CommonOptions.Metadata(paths).Provider != Metadata.MetadataProvider.PostgreSql)
                {
                    throw new HostUsageException("--workers 0 needs a shared PostgreSQL store (--db) and running `worker` processes; with the embedded store nothing else would run the nodes.");
                }

                runner = w == 0 ? runner with { RunWorkers = false } : runner with { WorkerCount = Math.Max(1, w) };
            }

            var console = new ProgressPrinter(pipeline);
            await using var engine = await StartEngineAsync(pipeline, paths, runner, console.Log, ct).ConfigureAwait(false);
            console.MarkRunStart();
            var runId = await engine.StartRunAsync(values, parse.GetValue(noCache), ct).ConfigureAwait(false);
            Console.WriteLine($"Run {runId} of '{pipeline.Name}'  (metadata: {engine.Store.Options.Redacted()}; artifacts: {paths.ArtifactRoot})");
            RunProgress final;
            try
            {
                final = await engine.WaitAsync(runId, console.OnProgress, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C: record it, so the run does not look like it is still going (or succeeded).
                await engine.Ledger.CancelRunAsync(runId, "canceled by the user (Ctrl+C) while running", CancellationToken.None).ConfigureAwait(false);
                Console.WriteLine($"Run {runId} canceled.");
                return 130;
            }

            console.PrintSummary(final);
            return final.State == RunState.Succeeded ? 0 : 1;
        });
        return command;
    }

    internal static async Task<PipelineEngine> StartEngineAsync(
        Pipeline pipeline, HostPaths paths, RunnerOptions runner, Action<string> log, CancellationToken ct)
    {
        var settings = CommonOptions.Settings(paths, runner);
        try
        {
            return await PipelineEngine.StartAsync(pipeline, settings, TimeProvider.System, log, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException or ArgumentException || MetadataStore.IsTransient(ex))
        {
            throw new HostUsageException($"cannot open the metadata store ({settings.Metadata.Redacted()}): {ex.Message}", ex);
        }
    }

    private static string Describe(Pipeline pipeline) =>
        pipeline.Parameters.Count == 0 ? "(none)" : string.Join(", ", pipeline.Parameters.Select(p => $"{p.Name} (default '{p.DefaultValue}')"));

    private static Dictionary<string, string> ParseParameters(Pipeline pipeline, string[] raw)
    {
        var known = pipeline.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in raw)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new HostUsageException($"--param '{item}' is not name=value. Parameters of '{pipeline.Name}': {Describe(pipeline)}.");
            }

            var name = item[..eq];
            if (!known.Contains(name))
            {
                throw new HostUsageException($"--param '{name}' is not a parameter of '{pipeline.Name}'. Parameters: {Describe(pipeline)}.");
            }

            var value = item[(eq + 1)..];
            values[name] = pipeline.Parameters.First(p => p.Name == name).IsPath && value.Length > 0 ? Path.GetFullPath(value) : value;
        }

        return values;
    }
}
