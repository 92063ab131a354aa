using System.Diagnostics;
using System.Globalization;

namespace Pipelines.Bench;

/// <summary>
/// Issue 3's "Trainer versus bare native LightGBM": the same flights features (<see cref="FlightsFeatures"/>), the same
/// explicitly matched settings (<see cref="LightGbmSettings"/>), trained (a) directly through LightGBM's C API
/// (<see cref="NativeLightGbm"/>) and (b) by our Trainer (<see cref="OurTrainer"/>), interleaved in one process (a, b, a, b, …)
/// after one untimed warm-up each; median of the timed repetitions. Both AUCs on the eval split with the same
/// <see cref="Auc"/> function.
/// </summary>
public static class TrainerSuite
{
    public const double MaxTimeRatio = 1.10;
    public const double MaxAucDifference = 0.002;
    private const string TimeTarget = "our Trainer time / native LightGBM time";
    private const string AucTarget = "|our Trainer AUC − native LightGBM AUC|";
    private const string NotWired = "our Trainer: not wired yet";

    public static async Task<IReadOnlyList<TargetCheck>> RunAsync(BenchArguments arguments)
    {
        var flights = arguments.FindFlights();
        if (flights is null || !File.Exists(flights))
        {
            var reason = flights is null ? "shared/data/flights-3m.parquet not found above the current directory" : $"{flights} not found";
            Console.WriteLine();
            Console.WriteLine($"## Trainer vs native LightGBM: skipped: {reason} (pass --flights)");
            return Skipped(reason);
        }

        var load = Stopwatch.StartNew();
        var data = await FlightsFeatures.LoadAsync(flights);
        var loadSeconds = load.Elapsed.TotalSeconds;
        var settings = new LightGbmSettings { BinSampleCount = arguments.BinSample };
        var parameters = settings.ToNativeParameters(FlightsFeatures.CategoricalFeatures);
        var ours = OurTrainer.Create();
        var oursMaterialized = ours is null ? null : OurTrainer.CreateMaterialized();
        foreach (var trainer in new[] { ours, oursMaterialized }.OfType<ITrainerUnderTest>())
        {
            var prepare = Stopwatch.StartNew();
            await trainer.PrepareAsync(data, CancellationToken.None);
            Console.WriteLine($"inputs of {trainer.Name} (examples, graph, schema) written in {prepare.Elapsed.TotalSeconds:0.0} s (not timed).");
        }

        var native = new Runs();
        var nativeValid = arguments.NativeWithValidation ? new Runs() : null;
        var our = new Runs();
        var ourMaterialized = new Runs();
        for (var i = 0; i <= arguments.Repetitions; i++)
        {
            native.Add(i, TrainNative(data, settings, parameters, validation: false, arguments.WarmMemory));
            if (nativeValid is not null)
            {
                nativeValid.Add(i, TrainNative(data, settings, settings.ToNativeParameters(FlightsFeatures.CategoricalFeatures, "binary_logloss"), validation: true, arguments.WarmMemory));
            }

            if (ours is not null)
            {
                our.Add(i, await MeasureOursAsync(ours, data, settings, arguments.WarmMemory));
            }

            if (oursMaterialized is not null)
            {
                ourMaterialized.Add(i, await MeasureOursAsync(oursMaterialized, data, settings, arguments.WarmMemory));
            }
        }

        (ours as IDisposable)?.Dispose();
        (oursMaterialized as IDisposable)?.Dispose();
        var nativeAuc = native.Auc;
        var rows = new List<BenchResult>
        {
            new("native LightGBM 4.7.0 (C API, P/Invoke)", new()
            {
                ["dataset s"] = native.Median(r => r.DatasetSeconds!.Value), ["boosting s"] = native.Median(r => r.BoostingSeconds!.Value),
                ["train s"] = native.Median(r => r.Seconds), ["min train s"] = native.Min(r => r.Seconds), ["AUC"] = nativeAuc, ["× native"] = 1,
                ["page faults"] = native.Median(r => r.Faults), ["peak MiB"] = native.PeakMiB, ["RSS at start MiB"] = native.StartMiB,
            }),
        };
        if (nativeValid is not null)
        {
            rows.Add(new("(info) native + eval split as validation data, binary_logloss every iteration", new()
            {
                ["dataset s"] = nativeValid.Median(r => r.DatasetSeconds!.Value), ["boosting s"] = nativeValid.Median(r => r.BoostingSeconds!.Value),
                ["train s"] = nativeValid.Median(r => r.Seconds), ["min train s"] = nativeValid.Min(r => r.Seconds), ["AUC"] = nativeValid.Auc,
                ["× native"] = Ratio(native, nativeValid), ["page faults"] = nativeValid.Median(r => r.Faults), ["peak MiB"] = nativeValid.PeakMiB, ["RSS at start MiB"] = nativeValid.StartMiB,
            }));
        }

        double? ratio = null;
        double? aucDifference = null;
        if (ours is null)
        {
            rows.Add(new(NotWired, []));
        }
        else
        {
            ratio = Ratio(native, our);
            aucDifference = Math.Abs(our.Auc - nativeAuc);
            rows.Add(new(ours.Name, new()
            {
                ["train s"] = our.Median(r => r.Seconds), ["min train s"] = our.Min(r => r.Seconds), ["AUC"] = our.Auc, ["AUC − native"] = our.Auc - nativeAuc,
                ["× native"] = ratio.Value, ["page faults"] = our.Median(r => r.Faults), ["peak MiB"] = our.PeakMiB, ["RSS at start MiB"] = our.StartMiB,
            }));
        }

        if (oursMaterialized is not null)
        {
            rows.Add(new("(info) " + oursMaterialized.Name, new()
            {
                ["train s"] = ourMaterialized.Median(r => r.Seconds), ["min train s"] = ourMaterialized.Min(r => r.Seconds), ["AUC"] = ourMaterialized.Auc,
                ["AUC − native"] = ourMaterialized.Auc - nativeAuc, ["× native"] = Ratio(native, ourMaterialized), ["page faults"] = ourMaterialized.Median(r => r.Faults), ["peak MiB"] = ourMaterialized.PeakMiB,
                ["RSS at start MiB"] = ourMaterialized.StartMiB,
            }));
        }

        var positives = data.Train.Labels.Count(l => l > 0.5f);
        Table.Print(
            $"Trainer vs native LightGBM: {Path.GetFileName(flights)} train split {data.Train.Rows:N0} rows × {data.Train.Columns} features, " +
            $"AUC on eval {data.Eval.Rows:N0} rows, median of {arguments.Repetitions} interleaved repetitions after 1 warm-up, {Environment.ProcessorCount} cores, " +
            (arguments.WarmMemory ? "warm memory (--warm-memory: each repetition reuses the memory the previous ones freed)" : "cold memory (heap decommitted before each repetition)"),
            rows,
            [
                (TimeTarget, $"≤ {MaxTimeRatio.ToString(CultureInfo.InvariantCulture)} ×"),
                (AucTarget, $"≤ {MaxAucDifference.ToString(CultureInfo.InvariantCulture)}"),
            ],
            new Dictionary<string, string> { ["AUC"] = "0.00000", ["AUC − native"] = "+0.00000;−0.00000;0" });
        Console.WriteLine($"settings (both sides): {settings.Describe()}; categorical: origin, destination (features 5, 6).");
        Console.WriteLine($"native parameters: {parameters}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"data: {data.FileRows:N0} file rows, {data.DroppedRows:N0} dropped (no delay), train {data.Train.Rows:N0} ({positives * 100.0 / data.Train.Rows:0.0} % delayed > 15 min), " +
            $"eval {data.Eval.Rows:N0}; {data.Origins.Count} origins, {data.Destinations.Count} destinations; read + featurized in {loadSeconds:0.0} s (not timed)."));
        Console.WriteLine("train s = dataset (LGBM_DatasetCreateFromMat + SetField label, from the in-memory float32 matrix) + boosting " +
            $"(LGBM_BoosterCreate + {settings.Iterations} × LGBM_BoosterUpdateOneIter); our Trainer: the whole component (TrainerExecutor) from " +
            "the same rows written (untimed) as the shipped flights pipeline hands them to it — raw examples in ExampleGen's columnar files " +
            "plus the transform graph (Transform's Materialize = false), the target's row — or as transformed examples (binary IDV, the info row): " +
            "read (and transform), label, dataset, boosting with binary_logloss on 20,000 eval rows per iteration, " +
            "ML.NET conversion + check, model.zip, training log with eval metrics. " +
            "× native = median over repetitions of (time / native time of the same repetition). AUC: rank-based, ties averaged, same function for both.");
        Console.WriteLine($"native: {native.Trees} trees; AUC identical across all {native.Count} runs (warm-up included): {(native.AucsIdentical ? "yes" : "NO")}" +
            (ours is null ? "" : $"; our Trainer AUC identical across runs: {(our.AucsIdentical && ourMaterialized.AucsIdentical ? "yes" : "NO")}") + ".");
        Console.WriteLine("peak = VmHWM of one training (until the model is trained; scoring eval excluded), reset after a full GC and malloc_trim at its start; RSS at start includes the features held for both sides " +
            $"(≈ {(data.Train.Features.Length + data.Eval.Features.Length + data.Train.Rows + data.Eval.Rows) * 4.0 / (1 << 20):0} MiB of float32).");
        if (ours is null)
        {
            Console.WriteLine($"{NotWired}: bench/Pipelines.Bench/ITrainerUnderTest.cs, OurTrainer.Create() returns null.");
        }

        var skip = ours is null ? NotWired : null;
        return
        [
            new TargetCheck(TimeTarget, "×", MaxTimeRatio, AtMost: true, ratio, skip),
            new TargetCheck(AucTarget, "AUC", MaxAucDifference, AtMost: true, aucDifference, skip),
        ];
    }

    private static TargetCheck[] Skipped(string reason) =>
    [
        new TargetCheck(TimeTarget, "×", MaxTimeRatio, AtMost: true, null, reason),
        new TargetCheck(AucTarget, "AUC", MaxAucDifference, AtMost: true, null, reason),
    ];

    private static double Ratio(Runs baseline, Runs other)
    {
        var ratios = baseline.Timed.Zip(other.Timed, (b, o) => o.Seconds / b.Seconds).Order().ToList();
        return ratios[ratios.Count / 2];
    }

    /// <summary>The bare baseline: dataset from the float32 matrix, booster, N iterations; then (untimed) eval predictions.</summary>
    internal static Run TrainNative(FlightsFeatures data, LightGbmSettings settings, string parameters, bool validation, bool warmMemory = false)
    {
        StartRepetition(warmMemory);
        var start = PeakMemory.PeakMiB();
        var faults = PeakMemory.MinorFaults();
        var watch = Stopwatch.StartNew();
        using var dataset = NativeLightGbm.Dataset.FromMatrix(data.Train.Features, data.Train.Columns, data.Train.Labels, parameters);
        using var valid = validation
            ? NativeLightGbm.Dataset.FromMatrix(data.Eval.Features, data.Eval.Columns, data.Eval.Labels, parameters, dataset)
            : null;
        var datasetSeconds = watch.Elapsed.TotalSeconds;
        using var booster = new NativeLightGbm.Booster(dataset, parameters);
        if (valid is not null)
        {
            booster.AddValidData(valid);
        }

        var trees = 0;
        while (trees < settings.Iterations)
        {
            trees++;
            if (booster.UpdateOneIteration())
            {
                break;
            }
        }

        var seconds = watch.Elapsed.TotalSeconds;
        faults = PeakMemory.MinorFaults() - faults;
        var peak = PeakMemory.PeakMiB();
        var scores = booster.Predict(data.Eval.Features, data.Eval.Columns, $"num_threads={settings.Threads.ToString(CultureInfo.InvariantCulture)}");
        return new Run(seconds, datasetSeconds, seconds - datasetSeconds, Auc.Compute(data.Eval.Labels, scores), trees) { PeakMiB = peak, StartMiB = start, Faults = faults };
    }

    private static async Task<Run> MeasureOursAsync(ITrainerUnderTest trainer, FlightsFeatures data, LightGbmSettings settings, bool warmMemory)
    {
        StartRepetition(warmMemory);
        var start = PeakMemory.PeakMiB();
        var faults = PeakMemory.MinorFaults();
        var watch = Stopwatch.StartNew();
        using var model = await trainer.TrainAsync(data.Train, settings, CancellationToken.None);
        var seconds = watch.Elapsed.TotalSeconds;
        faults = PeakMemory.MinorFaults() - faults;
        var peak = PeakMemory.PeakMiB();
        var scores = model.Score(data.Eval);
        return new Run(seconds, null, null, Auc.Compute(data.Eval.Labels, scores), null) { PeakMiB = peak, StartMiB = start, Faults = faults };
    }

    /// <summary>Cold memory (default): decommit the GC heap and trim the native one, and reset the peak; warm: a plain GC only.</summary>
    private static void StartRepetition(bool warmMemory)
    {
        if (warmMemory)
        {
            GC.Collect();
            return;
        }

        PeakMemory.TrimNativeHeap();
        PeakMemory.Reset();
    }

    internal sealed record Run(double Seconds, double? DatasetSeconds, double? BoostingSeconds, double Auc, int? Trees)
    {
        public double PeakMiB { get; init; }

        public double StartMiB { get; init; }

        /// <summary>Minor page faults during the timed part.</summary>
        public long Faults { get; init; }
    }

    /// <summary>The runs of one side; repetition 0 is the warm-up (kept for the determinism check, not timed).</summary>
    private sealed class Runs
    {
        private readonly List<Run> _all = [];

        public IEnumerable<Run> Timed => _all.Skip(1);

        public int Count => _all.Count;

        /// <summary>The last run's AUC (all runs' when deterministic).</summary>
        public double Auc => _all[^1].Auc;

        public bool AucsIdentical => _all.All(r => r.Auc == _all[0].Auc);

        public int? Trees => _all[^1].Trees;

        public double PeakMiB => _all.Max(r => r.PeakMiB);

        public double StartMiB => _all.Max(r => r.StartMiB);

        public void Add(int repetition, Run run)
        {
            if (repetition != _all.Count)
            {
                throw new InvalidOperationException($"repetition {repetition} after {_all.Count} runs.");
            }

            _all.Add(run);
        }

        public double Median(Func<Run, double> value)
        {
            var sorted = Timed.Select(value).Order().ToList();
            return sorted[sorted.Count / 2];
        }

        public double Min(Func<Run, double> value) => Timed.Min(value);
    }
}
