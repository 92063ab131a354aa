using Pipelines.Metadata;

namespace Pipelines.Bench;

/// <summary>
/// The orchestration targets: median hop latency of a 10-node no-op chain on the embedded default (SQLite metadata +
/// Hangfire in-memory) and on PostgreSQL (metadata + Hangfire.PostgreSql with LISTEN/NOTIFY), each on a fresh store.
/// </summary>
public static class OrchestrationSuite
{
    public const double EmbeddedTargetMs = 2;
    public const double PostgresTargetMs = 25;

    private const string EmbeddedLabel = "embedded (SQLite + Hangfire.InMemory)";
    private const string PostgresLabel = "PostgreSQL (metadata + Hangfire.PostgreSql, LISTEN/NOTIFY)";

    public static async Task<IReadOnlyList<TargetCheck>> RunAsync(BenchArguments arguments)
    {
        var rows = new List<BenchResult>();
        var checks = new List<TargetCheck>();
        var root = Path.Combine(Path.GetTempPath(), "pipelines-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var embeddedFolder = Path.Combine(root, "embedded");
            Directory.CreateDirectory(embeddedFolder);
            var embedded = await MeasureAsync(EmbeddedLabel, new MetadataStoreOptions(MetadataProvider.Sqlite, $"Data Source={Path.Combine(embeddedFolder, "metadata.db")}"),
                embeddedFolder, arguments);
            rows.Add(WithTarget(embedded, EmbeddedTargetMs));
            checks.Add(new TargetCheck("embedded median hop", "ms", EmbeddedTargetMs, AtMost: true, embedded.Values["median hop ms"]));

            if (arguments.Postgres is null)
            {
                rows.Add(new BenchResult($"{PostgresLabel}: skipped: no PostgreSQL (pass --postgres or set {BenchArguments.PostgresVariable})",
                    new() { ["target median hop ms"] = PostgresTargetMs }));
                checks.Add(new TargetCheck("PostgreSQL median hop", "ms", PostgresTargetMs, AtMost: true, null, "no PostgreSQL"));
            }
            else
            {
                var postgresFolder = Path.Combine(root, "postgres");
                Directory.CreateDirectory(postgresFolder);
                await using var database = await PostgresScratchDatabase.CreateAsync(arguments.Postgres);
                var postgres = await MeasureAsync(PostgresLabel, new MetadataStoreOptions(MetadataProvider.PostgreSql, database.ConnectionString),
                    postgresFolder, arguments);
                rows.Add(WithTarget(postgres, PostgresTargetMs));
                checks.Add(new TargetCheck("PostgreSQL median hop", "ms", PostgresTargetMs, AtMost: true, postgres.Values["median hop ms"]));
            }
        }
        finally
        {
            TryDelete(root);
        }

        Table.Print($"Orchestration: 10-node chain of no-op components, {arguments.Runs} timed runs after 1 warm-up, 2 Hangfire workers", rows);
        Console.WriteLine("hop = next node's StartedAt − previous node's EndedAt (metadata store timestamps); run = StartRunAsync → last EndedAt.");
        return checks;
    }

    private static async Task<BenchResult> MeasureAsync(string label, MetadataStoreOptions metadata, string folder, BenchArguments arguments)
    {
        using var tracer = arguments.Trace ? new HopTracer() : null;
        var result = await OrchestrationBenchmark.RunAsync(label, metadata, folder, arguments.Runs, tracer);
        tracer?.Print(label);
        return result;
    }

    private static BenchResult WithTarget(BenchResult result, double target)
    {
        var values = new Dictionary<string, double>();
        foreach (var (key, value) in result.Values)
        {
            values[key] = value;
            if (key == "median hop ms")
            {
                values["target median hop ms"] = target;
            }
        }

        return result with { Values = values };
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }
}
