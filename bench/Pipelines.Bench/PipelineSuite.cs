using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Flights;
using Microsoft.EntityFrameworkCore;
using Pipelines.Components;
using Pipelines.Metadata;
using Pipelines.Orchestration;

namespace Pipelines.Bench;

/// <summary>
/// Issue 3's "whole flights pipeline versus the bare training time" and "cached re-run", plus our Trainer's own numbers beside
/// native LightGBM, in one process:
/// (1) bare native LightGBM on <see cref="FlightsFeatures"/> (the <see cref="TrainerSuite"/> path, matched settings), one
/// untimed warm-up then the median of <c>--repetitions</c>;
/// (2) the flights pipeline (same definition as <c>pipelines/flights/Program.cs</c>) on a fresh SQLite store and artifact folder
/// (cold cache), timed from the metadata store (run context <c>CreatedAt</c> → last node <c>EndedAt</c>);
/// (3) the Trainer node's <c>train_seconds</c> and the Evaluator's overall AUC against (1);
/// (4) a second engine on the same store re-running the unchanged pipeline (every node should be Cached).
/// </summary>
public static class PipelineSuite
{
    public const double MaxWallRatio = 2.5;
    public const double MaxTaxShare = 0.05;
    public const double MaxPeakMiB = 3 * 1024;
    public const double MaxCachedSeconds = 2;
    private const string WallTarget = "flights pipeline wall / native LightGBM train time";
    private const string TaxTarget = "orchestration tax (wall − time any component ran) / wall";
    private const string PeakTarget = "flights pipeline peak memory";
    private const string CachedTarget = "cached re-run pipeline time";
    private const string TrainerTimeTarget = "pipeline Trainer train_seconds / native LightGBM train time";
    private const string TrainerAucTarget = "|pipeline Evaluator overall AUC − native LightGBM AUC|";

    public static async Task<IReadOnlyList<TargetCheck>> RunAsync(BenchArguments arguments)
    {
        var flights = arguments.FindFlights();
        if (flights is null || !File.Exists(flights))
        {
            var reason = flights is null ? "shared/data/flights-3m.parquet not found above the current directory" : $"{flights} not found";
            Console.WriteLine();
            Console.WriteLine($"## Flights pipeline: skipped: {reason} (pass --flights)");
            return
            [
                new TargetCheck(WallTarget, "×", MaxWallRatio, AtMost: true, null, reason),
                new TargetCheck(TaxTarget, "%", MaxTaxShare * 100, AtMost: true, null, reason),
                new TargetCheck(PeakTarget, "MiB", MaxPeakMiB, AtMost: true, null, reason),
                new TargetCheck(CachedTarget, "s", MaxCachedSeconds, AtMost: true, null, reason),
                new TargetCheck(TrainerTimeTarget, "×", TrainerSuite.MaxTimeRatio, AtMost: true, null, reason),
                new TargetCheck(TrainerAucTarget, "AUC", TrainerSuite.MaxAucDifference, AtMost: true, null, reason),
            ];
        }

        // (1) Bare native LightGBM. The features are dropped before the pipeline runs so they do not count in its peak.
        var settings = new LightGbmSettings { BinSampleCount = arguments.BinSample };
        var (nativeSeconds, nativeAuc, nativeTrainRows, nativeRuns) = await NativeAsync(flights, settings, arguments.Repetitions);

        var root = Path.Combine(Path.GetTempPath(), "pipelines-bench-pipeline-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            var (pipeline, trainer, evaluatorId) = Build(arguments.MaterializeTransform);
            var trainerId = trainer.Id;
            var engineSettings = new EngineSettings(
                new MetadataStoreOptions(MetadataProvider.Sqlite, $"Data Source={Path.Combine(root, "metadata.db")}"),
                Path.Combine(root, "artifacts"), Path.Combine(root, "schemas"), new RunnerOptions());
            var parameters = new Dictionary<string, string> { ["input"] = flights };

            // (2) Cold run.
            PeakMemory.TrimNativeHeap();
            PeakMemory.Reset();
            var startMiB = PeakMemory.PeakMiB();
            var startFaults = PeakMemory.MinorFaults();
            var coldWatch = Stopwatch.StartNew();
            RunMeasurement cold;
            double trainSeconds;
            double pipelineAuc;
            long trainRows;
            int evalRows;
            await using (var engine = await PipelineEngine.StartAsync(pipeline, engineSettings, TimeProvider.System, null, CancellationToken.None))
            {
                var runId = await engine.StartRunAsync(parameters, noCache: false, CancellationToken.None);
                var progress = await engine.WaitAsync(runId, null, CancellationToken.None);
                var stopwatchSeconds = coldWatch.Elapsed.TotalSeconds;
                if (progress.State != RunState.Succeeded)
                {
                    throw new InvalidOperationException($"flights pipeline run {runId} ended {progress.State}: {progress.Error}");
                }

                cold = await MeasureAsync(engine, runId, stopwatchSeconds);
                (trainSeconds, trainRows) = await TrainSecondsAsync(engine, cold.Executions.Single(e => e.NodeId == trainerId).Id);
                (pipelineAuc, evalRows) = await EvaluatorAucAsync(engine, cold.Executions.Single(e => e.NodeId == evaluatorId).Id, engineSettings.ArtifactRoot);
            }

            var peakMiB = PeakMemory.PeakMiB();
            var coldFaults = PeakMemory.MinorFaults() - startFaults;
            var hugeMiB = PeakMemory.AnonHugePagesMiB();

            // (4) Cached re-run: a second engine on the same store and artifact folder.
            RunMeasurement cached;
            var cachedWatch = Stopwatch.StartNew();
            await using (var engine = await PipelineEngine.StartAsync(pipeline, engineSettings, TimeProvider.System, null, CancellationToken.None))
            {
                var engineStartSeconds = cachedWatch.Elapsed.TotalSeconds;
                cachedWatch.Restart();
                var runId = await engine.StartRunAsync(parameters, noCache: false, CancellationToken.None);
                var progress = await engine.WaitAsync(runId, null, CancellationToken.None);
                var stopwatchSeconds = cachedWatch.Elapsed.TotalSeconds;
                if (progress.State != RunState.Succeeded)
                {
                    throw new InvalidOperationException($"cached flights pipeline run {runId} ended {progress.State}: {progress.Error}");
                }

                cached = await MeasureAsync(engine, runId, stopwatchSeconds) with { EngineStartSeconds = engineStartSeconds };
            }

            // Load drift check: native again after the pipeline (1 warm-up + 1 timed), informational only.
            var (_, _, _, afterRuns) = await NativeAsync(flights, settings, 1);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"native LightGBM train s, each run in order (first = warm-up): before the pipeline {string.Join(", ", nativeRuns.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture)))}; " +
                $"after the pipeline {string.Join(", ", afterRuns.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture)))} (not used in the ratios); load average now {LoadAverage()}."));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"memory: {coldFaults:N0} minor page faults during the cold run; {hugeMiB:N0} MiB on transparent huge pages at its end " +
                $"({TransparentHugePages.OptOutVariable}={Environment.GetEnvironmentVariable(TransparentHugePages.OptOutVariable) ?? "(unset)"})."));
            return Report(flights, settings, nativeSeconds, nativeAuc, nativeTrainRows, nativeRuns.Count - 1, cold, cached, startMiB, peakMiB,
                trainSeconds, trainRows, pipelineAuc, evalRows, arguments.MaterializeTransform);
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static IReadOnlyList<TargetCheck> Report(string flights, LightGbmSettings settings, double nativeSeconds, double nativeAuc,
        int nativeTrainRows, int nativeRuns, RunMeasurement cold, RunMeasurement cached, double startMiB, double peakMiB,
        double trainSeconds, long trainRows, double pipelineAuc, int evalRows, bool materialized)
    {
        var componentSum = cold.Executions.Sum(e => e.Seconds ?? 0);

        // Time during which at least one component ran: Σ when the nodes run one after another, less when some overlap.
        var busy = BusySeconds(cold.Executions);
        var tax = (cold.WallSeconds - busy) / cold.WallSeconds;
        var wallRatio = cold.WallSeconds / nativeSeconds;
        var trainerRatio = trainSeconds / nativeSeconds;
        var aucDifference = Math.Abs(pipelineAuc - nativeAuc);

        var rows = new List<BenchResult>
        {
            new($"native LightGBM 4.7.0 train (C API; median of {nativeRuns})", new() { ["s"] = nativeSeconds, ["× native"] = 1 }),
            new("**flights pipeline, cold cache** (run start → last node end)", new()
            {
                ["s"] = cold.WallSeconds, ["share of wall %"] = 100, ["× native"] = wallRatio, ["peak MiB"] = peakMiB, ["RSS at start MiB"] = startMiB,
            }),
        };
        foreach (var e in cold.Executions)
        {
            rows.Add(new($"  {e.NodeId} ({e.State})", e.Seconds is { } s ? new() { ["s"] = s, ["share of wall %"] = s * 100 / cold.WallSeconds } : []));
        }

        rows.Add(new("  Σ component durations", new() { ["s"] = componentSum, ["share of wall %"] = componentSum * 100 / cold.WallSeconds }));
        rows.Add(new("  time any component ran (union of their intervals)", new() { ["s"] = busy, ["share of wall %"] = busy * 100 / cold.WallSeconds }));
        rows.Add(new("  orchestration tax (wall − time any component ran)", new() { ["s"] = cold.WallSeconds - busy, ["share of wall %"] = tax * 100 }));
        rows.Add(new("**cached re-run, second engine** (run start → last node end)", new() { ["s"] = cached.WallSeconds }));
        Table.Print(
            $"Flights pipeline vs native LightGBM: {Path.GetFileName(flights)}, SQLite metadata + Hangfire.InMemory, default RunnerOptions, " +
            $"{Environment.ProcessorCount} cores, Transform {(materialized ? "materialized (--materialize)" : "not materialized (Materialize = false, as shipped)")}",
            rows,
            [
                (WallTarget, $"≤ {MaxWallRatio.ToString(CultureInfo.InvariantCulture)} ×"),
                (TaxTarget, $"≤ {(MaxTaxShare * 100).ToString(CultureInfo.InvariantCulture)} %"),
                (PeakTarget, $"≤ {MaxPeakMiB.ToString(CultureInfo.InvariantCulture)} MiB"),
                (CachedTarget, $"≤ {MaxCachedSeconds.ToString(CultureInfo.InvariantCulture)} s"),
            ],
            new Dictionary<string, string> { ["s"] = "0.000", ["share of wall %"] = "0.0", ["× native"] = "0.00" });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cold: wall from the metadata store (run context CreatedAt → last EndedAt); stopwatch from before the engine starts until WaitAsync returned {cold.StopwatchSeconds:0.000} s (engine start included) " +
            $"(WaitAsync polls every 50 ms). Component durations are each execution's StartedAt → EndedAt; ExampleValidator runs beside Transform, so the tax is " +
            $"wall − the time at least one component ran (the union of their intervals): hops, scheduling and the run's start."));
        Console.WriteLine("peak = VmHWM during the cold run (engine start → run end), reset after a full GC and malloc_trim at its start; " +
            "the native benchmark's features were dropped before.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cached: node states {string.Join(", ", cached.Executions.Select(e => $"{e.NodeId} {e.State}"))}; all Cached: " +
            $"{(cached.Executions.All(e => e.State == ExecutionState.Cached) ? "yes" : "NO")}; second engine start (store open, Hangfire server) {cached.EngineStartSeconds:0.000} s " +
            $"(not in the pipeline time); stopwatch StartRunAsync → WaitAsync returned {cached.StopwatchSeconds:0.000} s."));
        Console.WriteLine("where each component's time went (its own log lines that give a time):");
        foreach (var e in cold.Executions)
        {
            var timed = e.Log.Split('\n').Select(l => l.Trim()).Where(l => s_timedLine.IsMatch(l));
            Console.WriteLine($"  [{e.NodeId}] {string.Join(" | ", timed)}");
        }

        Table.Print(
            "Our Trainer (inside the pipeline) vs native LightGBM",
            [
                new("native LightGBM 4.7.0 (C API, P/Invoke), integer categoricals", new()
                {
                    ["train s"] = nativeSeconds, ["AUC"] = nativeAuc, ["× native"] = 1, ["train rows"] = nativeTrainRows,
                }),
                new("pipeline Trainer (LightGBM C API engine, one-hot blocks collapsed to categoricals): train_seconds; Evaluator overall AUC", new()
                {
                    ["train s"] = trainSeconds, ["AUC"] = pipelineAuc, ["AUC − native"] = pipelineAuc - nativeAuc, ["× native"] = trainerRatio,
                    ["train rows"] = trainRows, ["eval rows"] = evalRows,
                }),
            ],
            [
                (TrainerTimeTarget, $"≤ {TrainerSuite.MaxTimeRatio.ToString(CultureInfo.InvariantCulture)} ×"),
                (TrainerAucTarget, $"≤ {TrainerSuite.MaxAucDifference.ToString(CultureInfo.InvariantCulture)}"),
            ],
            new Dictionary<string, string> { ["AUC"] = "0.00000", ["AUC − native"] = "+0.00000;−0.00000;0", ["train s"] = "0.000", ["× native"] = "0.00" });
        Console.WriteLine($"native settings: {settings.Describe()}; categorical: origin, destination as integer codes (features 5, 6).");
        Console.WriteLine("Not the same rows: native uses FlightsFeatures' 2:1 split (SplitMix64 of the row index) and scores its own eval split; the pipeline " +
            "uses ExampleGen's 2:1 split of the same file and the Evaluator scores ExampleGen's eval split (similar sizes). The pipeline's Trainer " +
            "sees origin/destination one-hot encoded by FlightsPreprocessing (ML.NET categorical slot ranges, collapsed back to one LightGBM categorical column each), native sees integer categoricals. " +
            "train_seconds = the Trainer's own fit wall time (Model artifact property), not the node's duration. " +
            $"The pipeline's LightGbmOptions (FlightsModeling): {PipelineLightGbm()}; the other settings are the Trainer's defaults (native LightGBM's).");

        return
        [
            new TargetCheck(WallTarget, "×", MaxWallRatio, AtMost: true, wallRatio),
            new TargetCheck(TaxTarget, "%", MaxTaxShare * 100, AtMost: true, tax * 100),
            new TargetCheck(PeakTarget, "MiB", MaxPeakMiB, AtMost: true, peakMiB),
            new TargetCheck(CachedTarget, "s", MaxCachedSeconds, AtMost: true, cached.WallSeconds),
            new TargetCheck(TrainerTimeTarget, "×", TrainerSuite.MaxTimeRatio, AtMost: true, trainerRatio),
            new TargetCheck(TrainerAucTarget, "AUC", TrainerSuite.MaxAucDifference, AtMost: true, aucDifference),
        ];
    }

    private static async Task<(double Seconds, double Auc, int TrainRows, IReadOnlyList<double> Runs)> NativeAsync(string flights, LightGbmSettings settings, int repetitions)
    {
        var data = await FlightsFeatures.LoadAsync(flights);
        var parameters = settings.ToNativeParameters(FlightsFeatures.CategoricalFeatures);
        var runs = new List<TrainerSuite.Run>();
        for (var i = 0; i <= repetitions; i++)
        {
            runs.Add(TrainerSuite.TrainNative(data, settings, parameters, validation: false));
        }

        var timed = runs.Skip(1).Select(r => r.Seconds).Order().ToList();
        return (timed[timed.Count / 2], runs[^1].Auc, data.Train.Rows, runs.Select(r => r.Seconds).ToList());
    }

    /// <summary>The flights pipeline Trainer's LightGBM settings, read from <see cref="FlightsModeling"/> itself.</summary>
    private static string PipelineLightGbm()
    {
        var a = (LightGbmOptions)Build(materializeTransform: false).Trainer.Options.Algorithm;
        return string.Create(CultureInfo.InvariantCulture,
            $"iterations {a.NumberOfIterations}, leaves {a.NumberOfLeaves}, learning rate {a.LearningRate}, min data per leaf {a.MinimumExampleCountPerLeaf}, bin sample {a.BinSampleCount:N0} rows, max bin {a.MaximumBinCountPerFeature}, categorical split {a.UseCategoricalSplit}, threads {a.ResolvedThreads}, seed {a.Seed}, deterministic {a.Deterministic}");
    }

    /// <summary>The nodes of <c>pipelines/flights/Program.cs</c> up to the Evaluator (<see cref="FlightsModeling"/>, the same code).</summary>
    private static (Pipeline Pipeline, Trainer Trainer, string EvaluatorId) Build(bool materializeTransform)
    {
        var modeling = new FlightsModeling(new PipelineParameter("input", "", "Parquet file of flights: date, delay, distance, origin, destination"), materializeTransform);
        return (new Pipeline("flights", [.. modeling.Nodes]), modeling.Trainer, modeling.Evaluator.Id);
    }

    private static async Task<RunMeasurement> MeasureAsync(PipelineEngine engine, long runId, double stopwatchSeconds)
    {
        await using var db = engine.Store.CreateContext();
        var run = await db.Contexts.FirstAsync(c => c.Id == runId);
        var executions = await db.Executions.Where(e => e.RunId == runId).OrderBy(e => e.Position).ToListAsync();
        var lastEnd = executions.Max(e => e.EndedAt ?? run.CreatedAt);
        var nodes = executions.Select(e => new NodeTime(e.Id, e.NodeId, e.State,
            e.StartedAt is { } s && e.EndedAt is { } t ? (t - s).TotalSeconds : null, e.Log ?? "") { StartedAt = e.StartedAt, EndedAt = e.EndedAt }).ToList();
        return new RunMeasurement((lastEnd - run.CreatedAt).TotalSeconds, stopwatchSeconds, nodes);
    }

    private static async Task<(double Seconds, long Rows)> TrainSecondsAsync(PipelineEngine engine, long trainerExecutionId)
    {
        await using var db = engine.Store.CreateContext();
        var model = await db.Artifacts.Where(a => a.ProducerExecutionId == trainerExecutionId && a.ProducerPort == "model").SingleAsync();
        using var properties = JsonDocument.Parse(model.PropertiesJson);
        return (properties.RootElement.GetProperty("train_seconds").GetDouble(), properties.RootElement.GetProperty("train_rows").GetInt64());
    }

    private static async Task<(double Auc, int Rows)> EvaluatorAucAsync(PipelineEngine engine, long evaluatorExecutionId, string artifactRoot)
    {
        await using var db = engine.Store.CreateContext();
        var artifacts = await db.Artifacts.Where(a => a.ProducerExecutionId == evaluatorExecutionId).ToListAsync();
        foreach (var artifact in artifacts)
        {
            var uri = Path.IsPathRooted(artifact.Uri) ? artifact.Uri : Path.Combine(artifactRoot, artifact.Uri);
            var path = Path.Combine(uri, EvaluationResult.FileName);
            if (File.Exists(path))
            {
                var result = await EvaluationResult.LoadAsync(path, CancellationToken.None);
                return (result.Overall.Candidate.Get(MetricNames.Auc) ?? double.NaN, result.RowCount);
            }
        }

        throw new InvalidOperationException($"no {EvaluationResult.FileName} among the Evaluator's outputs ({string.Join(", ", artifacts.Select(a => a.Uri))}).");
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static readonly System.Text.RegularExpressions.Regex s_timedLine = new(@"\bin \d+(\.\d+)? (s|ms)\b");

    /// <summary>The length of the union of the executions' [StartedAt, EndedAt] intervals.</summary>
    private static double BusySeconds(IEnumerable<NodeTime> executions)
    {
        var total = 0.0;
        DateTime? start = null;
        DateTime end = default;
        foreach (var (s, e) in executions.Where(x => x.StartedAt is not null && x.EndedAt is not null).Select(x => (x.StartedAt!.Value, x.EndedAt!.Value)).OrderBy(x => x.Item1))
        {
            if (start is null || s > end)
            {
                total += start is null ? 0 : (end - start.Value).TotalSeconds;
                (start, end) = (s, e);
            }
            else if (e > end)
            {
                end = e;
            }
        }

        return total + (start is null ? 0 : (end - start.Value).TotalSeconds);
    }

    private sealed record NodeTime(long Id, string NodeId, ExecutionState State, double? Seconds, string Log)
    {
        public DateTime? StartedAt { get; init; }

        public DateTime? EndedAt { get; init; }
    }

    private sealed record RunMeasurement(double WallSeconds, double StopwatchSeconds, IReadOnlyList<NodeTime> Executions)
    {
        public double EngineStartSeconds { get; init; }
    }
}
