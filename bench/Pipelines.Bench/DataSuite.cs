using System.Globalization;
using System.Text.Json;
using Pipelines.Components;
using Pipelines.Data;

namespace Pipelines.Bench;

/// <summary>
/// The data targets, side by side in one process on the flights file: Parquet.Net reading it alone, ExampleGen executing on it
/// (bind, resolve external inputs — which hashes the file — and execute, as the orchestrator does), and StatisticsGen on
/// ExampleGen's output. One warm-up (JIT) per phase, then the median of the timed repetitions; peak memory per phase.
/// </summary>
public static class DataSuite
{
    public const double ExampleGenMaxRatio = 2;
    public const double StatisticsGenMinValuesPerSecond = 20_000_000;

    public static async Task<IReadOnlyList<TargetCheck>> RunAsync(BenchArguments arguments)
    {
        var flights = arguments.FindFlights();
        if (flights is null || !File.Exists(flights))
        {
            var reason = flights is null ? "shared/data/flights-3m.parquet not found above the current directory" : $"{flights} not found";
            Console.WriteLine();
            Console.WriteLine($"## Data: skipped: {reason} (pass --flights)");
            return
            [
                new TargetCheck("ExampleGen time / Parquet-alone time", "×", ExampleGenMaxRatio, AtMost: true, null, reason),
                new TargetCheck("StatisticsGen throughput", "values/s", StatisticsGenMinValuesPerSecond, AtMost: false, null, reason),
            ];
        }

        var root = Path.Combine(Path.GetTempPath(), "pipelines-bench-data-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            var repetitions = arguments.Repetitions;
            var rows = 0L;
            var columns = 0;
            var node = new ExampleGen(flights);
            var statisticsNode = new StatisticsGen(node.Outputs.Examples);
            Examples? examples = null;
            var log = new List<string>();

            // (a) Parquet alone; (b) ExampleGen, each run into a fresh artifact folder (the newest is kept for StatisticsGen);
            // (c) StatisticsGen on ExampleGen's newest output, over all splits.
            var parquet = new DataPhase("parquet", async _ => (rows, columns) = await ParquetBaseline.ReadAsync(flights));
            var exampleGen = new DataPhase("examplegen", async i =>
            {
                if (examples is not null)
                {
                    Directory.Delete(examples.Uri, recursive: true);
                }

                log.Clear();
                examples = await RunExampleGenAsync(node, root, i, log);
            });
            var statistics = new DataPhase("statisticsgen", i => RunStatisticsGenAsync(statisticsNode, examples!, root, i));
            for (var i = 0; i <= repetitions; i++)
            {
                await parquet.RunAsync(i);
                await exampleGen.RunAsync(i);
                await statistics.RunAsync(i);
            }

            var exampleRows = examples!.GetInt64("row_count") ?? 0;
            var exampleColumns = ColumnarFormat.ReadManifest(examples.SplitUri(examples.SplitNames[0])).Columns.Count;

            // The ratio of each interleaved pair, then the median: robust to a neighbour's load burst hitting one phase.
            var ratios = parquet.Times.Zip(exampleGen.Times, (p, e) => e / p).Order().ToList();
            var ratio = ratios[ratios.Count / 2];
            var valuesPerSecond = exampleRows * (double)exampleColumns / (statistics.Median / 1000);
            Table.Print(
                $"Data: {Path.GetFileName(flights)} ({rows:N0} rows × {columns} columns), median of {repetitions} interleaved repetitions after 1 warm-up, {Environment.ProcessorCount} cores",
                [
                    new BenchResult("(a) Parquet.Net 6.1.0 alone → arrays", new()
                    {
                        ["median ms"] = parquet.Median, ["min ms"] = parquet.Min, ["× Parquet"] = 1, ["peak MiB"] = parquet.PeakMiB, ["RSS at start MiB"] = parquet.StartMiB,
                    }),
                    new BenchResult("(b) ExampleGen (resolve+hash, read, split, write)", new()
                    {
                        ["median ms"] = exampleGen.Median, ["min ms"] = exampleGen.Min, ["× Parquet"] = ratio, ["target × Parquet"] = ExampleGenMaxRatio,
                        ["peak MiB"] = exampleGen.PeakMiB, ["RSS at start MiB"] = exampleGen.StartMiB,
                    }),
                    new BenchResult("(c) StatisticsGen on (b)'s splits", new()
                    {
                        ["median ms"] = statistics.Median, ["min ms"] = statistics.Min, ["peak MiB"] = statistics.PeakMiB, ["RSS at start MiB"] = statistics.StartMiB,
                        ["M values/s"] = valuesPerSecond / 1e6, ["target M values/s"] = StatisticsGenMinValuesPerSecond / 1e6,
                    }),
                ]);
            Console.WriteLine("× Parquet = median over repetitions of (ExampleGen ms / Parquet-alone ms of the same repetition).");
            Console.WriteLine("peak = VmHWM of one run, reset after a full GC at its start; RSS at start = what the process held then (heap the GC kept from earlier runs).");
            Console.WriteLine($"StatisticsGen values = {exampleRows:N0} rows × {exampleColumns} columns over all splits. ExampleGen's own log (last repetition):");
            foreach (var line in log)
            {
                Console.WriteLine("  " + line);
            }

            return
            [
                new TargetCheck("ExampleGen time / Parquet-alone time", "×", ExampleGenMaxRatio, AtMost: true, ratio),
                new TargetCheck("StatisticsGen throughput", "M values/s", StatisticsGenMinValuesPerSecond / 1e6, AtMost: false, valuesPerSecond / 1e6),
            ];
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp folder is harmless.
            }
        }
    }

    private static async Task<Examples> RunExampleGenAsync(ExampleGen node, string root, int repetition, List<string> log)
    {
        var binding = node.Bind(new BindingContext("bench", new Dictionary<string, string>(), root));
        var resolve = System.Diagnostics.Stopwatch.StartNew();
        var external = await binding.ResolveExternalInputsAsync(CancellationToken.None);
        log.Add(string.Create(CultureInfo.InvariantCulture, $"(bench) ResolveExternalInputsAsync (finds and SHA-256-hashes the input): {resolve.Elapsed.TotalMilliseconds:0} ms."));
        var directory = Path.Combine(root, "examples-" + repetition.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        var pending = Artifact.Create(typeof(Examples), 1, directory, new Dictionary<string, JsonElement>());
        var context = new ExecutorContext("bench", node.Id, 1, 1, new Dictionary<string, IReadOnlyList<Artifact>>(),
            new Dictionary<string, Artifact> { ["examples"] = pending }, external, TimeProvider.System, log.Add);
        await binding.ExecuteAsync(context, CancellationToken.None);

        // What the orchestrator publishes: the same folder with the properties the executor set.
        return (Examples)Artifact.Create(typeof(Examples), 1, directory, context.OutputProperties("examples"));
    }

    private static async Task RunStatisticsGenAsync(StatisticsGen node, Examples examples, string root, int repetition)
    {
        var binding = node.Bind(new BindingContext("bench", new Dictionary<string, string>(), root));
        var external = await binding.ResolveExternalInputsAsync(CancellationToken.None);
        var directory = Path.Combine(root, "statistics-" + repetition.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        var output = Artifact.Create(typeof(ExampleStatistics), 2, directory, new Dictionary<string, JsonElement>());
        var context = new ExecutorContext("bench", node.Id, 1, 2, new Dictionary<string, IReadOnlyList<Artifact>> { ["examples"] = [examples] },
            new Dictionary<string, Artifact> { ["statistics"] = output }, external, TimeProvider.System);
        await binding.ExecuteAsync(context, CancellationToken.None);
        Directory.Delete(directory, recursive: true);
    }
}
