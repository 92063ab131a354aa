using System.Globalization;

namespace Pipelines.Bench;

/// <summary>The command line: <c>[orchestration|data|trainer|pipeline|serving|all] [--postgres CS] [--flights PATH] [--runs N] [--repetitions N] [--trace] [--with-valid]
/// [--rate N] [--http-seconds N] [--serving-home DIR] [--bin-sample N] [--materialize] [--warm-memory]</c>.</summary>
public sealed record BenchArguments
{
    public const string PostgresVariable = "PIPELINES_BENCH_POSTGRES";

    public const string Usage =
        "usage: Pipelines.Bench [orchestration|data|trainer|pipeline|serving|all] [--postgres \"Host=...\"] [--flights path/to/flights-3m.parquet] " +
        "[--runs 10] [--repetitions 3] [--trace] [--with-valid] [--rate 1000] [--http-seconds 20] [--serving-home DIR] [--bin-sample 65536] [--materialize] [--warm-memory]\n" +
        $"  --postgres    admin connection string of a PostgreSQL server (a fresh database is created per run); default: ${PostgresVariable}\n" +
        "  --flights     the benchmark Parquet file; default: shared/data/flights-3m.parquet found by walking up from the current directory\n" +
        "  --runs        timed 10-node pipeline runs per store (after one warm-up run)\n" +
        "  --repetitions timed repetitions of each data phase, trainer and serving batch measurement (after one warm-up); the median is reported\n" +
        "  --trace       print where each hop's time goes (EF Core commands and Npgsql/Hangfire commands with timestamps)\n" +
        "  --with-valid  trainer: also time native LightGBM with the eval split as validation data (binary_logloss every iteration)\n" +
        "  --rate        serving: offered HTTP requests per second of the paced (open-loop) load\n" +
        "  --http-seconds serving: measured seconds of the paced HTTP load per model (after a 3 s warm-up)\n" +
        "  --serving-home serving: keep the trained flights and penguin models in this folder and reuse them next time (default: a temp folder, deleted)\n" +
        "  --bin-sample  trainer, pipeline: rows LightGBM samples to find its bins (bin_construct_sample_cnt) on the native side and our Trainer's\n" +
        "                (default 65,536, ML.NET's fixed value; native LightGBM's and the pipeline's default is 200,000)\n" +
        "  --materialize pipeline: the flights Transform writes its transformed examples and the Trainer trains on them (TFX's default)\n" +
        "                instead of the shipped pipeline's Materialize = false\n" +
        "  --warm-memory trainer: keep the memory freed by the previous repetition (a plain GC, no decommit, no malloc_trim) on both sides,\n" +
        "                as a process that trains repeatedly would; by default each repetition starts from a decommitted heap (first touches\n" +
        "                of memory are page faults, as in a fresh process); the peak memory columns then show the process's whole RSS";

    public string Verb { get; init; } = "all";

    public string? Postgres { get; init; }

    public string? Flights { get; init; }

    public int Runs { get; init; } = 10;

    public int Repetitions { get; init; } = 3;

    public bool Trace { get; init; }

    public bool NativeWithValidation { get; init; }

    /// <summary>Trainer: repetitions reuse the memory the previous ones freed (see <see cref="Usage"/>).</summary>
    public bool WarmMemory { get; init; }

    public int Rate { get; init; } = 1000;

    public int HttpSeconds { get; init; } = 20;

    public string? ServingHome { get; init; }

    /// <summary>LightGBM's bin sample size for the trainer and pipeline benchmarks (<see cref="LightGbmSettings.BinSampleCount"/>).</summary>
    public int BinSample { get; init; } = new LightGbmSettings().BinSampleCount;

    /// <summary>Run the flights pipeline with a materializing Transform (<c>FlightsModeling(materializeTransform: true)</c>).</summary>
    public bool MaterializeTransform { get; init; }

    public bool RunsOrchestration => Verb is "all" or "orchestration";

    public bool RunsData => Verb is "all" or "data";

    public bool RunsTrainer => Verb is "all" or "trainer";

    public bool RunsPipeline => Verb is "all" or "pipeline";

    public bool RunsServing => Verb is "all" or "serving";

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with the usage on a bad argument.</summary>
    public static BenchArguments Parse(IReadOnlyList<string> args)
    {
        var result = new BenchArguments { Postgres = NullIfEmpty(Environment.GetEnvironmentVariable(PostgresVariable)) };
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "orchestration" or "data" or "trainer" or "pipeline" or "serving" or "all":
                    result = result with { Verb = arg };
                    break;
                case "--postgres":
                    result = result with { Postgres = NullIfEmpty(Value(args, ref i)) };
                    break;
                case "--flights":
                    result = result with { Flights = Value(args, ref i) };
                    break;
                case "--runs":
                    result = result with { Runs = Positive(args, ref i) };
                    break;
                case "--repetitions":
                    result = result with { Repetitions = Positive(args, ref i) };
                    break;
                case "--trace":
                    result = result with { Trace = true };
                    break;
                case "--with-valid":
                    result = result with { NativeWithValidation = true };
                    break;
                case "--rate":
                    result = result with { Rate = Positive(args, ref i) };
                    break;
                case "--http-seconds":
                    result = result with { HttpSeconds = Positive(args, ref i) };
                    break;
                case "--serving-home":
                    result = result with { ServingHome = Value(args, ref i) };
                    break;
                case "--materialize":
                    result = result with { MaterializeTransform = true };
                    break;
                case "--warm-memory":
                    result = result with { WarmMemory = true };
                    break;
                case "--bin-sample":
                    result = result with { BinSample = Positive(args, ref i) };
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{arg}'\n{Usage}");
            }
        }

        return result;
    }

    /// <summary>The flights file: <see cref="Flights"/>, or <c>shared/data/flights-3m.parquet</c> in the nearest ancestor folder.</summary>
    public string? FindFlights()
    {
        if (Flights is not null)
        {
            return Path.GetFullPath(Flights);
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "flights-3m.parquet");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value\n{Usage}");

    private static int Positive(IReadOnlyList<string> args, ref int i)
    {
        var text = Value(args, ref i);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{args[i - 1]} needs a positive integer, not '{text}'\n{Usage}");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
