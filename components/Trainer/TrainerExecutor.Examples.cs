using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>How <see cref="TrainerExecutor"/> reads its examples: Transform's materialized ones (binary IDV), or the raw
/// examples with the transform graph applied while reading (<see cref="TransformOptions.Materialize"/> = false).</summary>
public sealed partial class TrainerExecutor
{
    /// <summary>The train and eval splits as the graph outputs them; <see cref="RawTrain"/> is set when they are raw examples
    /// transformed on the fly (so the C API engine can transform row ranges on several cores).</summary>
    private sealed record TrainingSplits(IDataView Train, IDataView? Eval, ColumnarTable? RawTrain, bool Materialized)
    {
        /// <summary>The eval split's rows the training reads (a uniform sample, see <see cref="RowSample"/>) and all its rows, when
        /// that is fewer than all of them.</summary>
        public (int Read, long Of)? EvalSample { get; init; }

        /// <summary>Raw examples: how long reading the splits took.</summary>
        public double RawReadSeconds { get; init; }

        /// <summary>Raw examples: the eval rows read (see <see cref="EvalSample"/>), or null.</summary>
        public ColumnarTable? RawEval { get; init; }

        /// <summary>
        /// Set when <see cref="RawTrain"/> is only the train split's first rows (a probe, see <see cref="TrainProbeRows"/>): the
        /// whole split's directory and label column. The C API engine then reads the rest from disk a chunk at a time, through
        /// the compiled graph; without a compiled graph the whole split is read first (<see cref="ReadWholeTrainAsync"/>).
        /// </summary>
        public (string Directory, NumericColumn Labels)? WholeTrain { get; init; }

        /// <summary>The raw train split's label column (the whole split's), when it is numeric.</summary>
        public NumericColumn? RawTrainLabels(string label) =>
            WholeTrain?.Labels ?? (RawTrain is { } table && table.Contains(label) ? table[label] as NumericColumn : null);
    }

    /// <summary>
    /// The rows of a raw train split the C API engine reads before the rest (when the split has more): enough for the schema, the
    /// compiled graph's check and the booster's check, and the whole split is then never in memory at once (the flights train
    /// split: 112 MB of columns, ≈ 0.1 s of first touches of new memory on a VM that returns freed memory to its host).
    /// </summary>
    private const int TrainProbeRows = 65_536;

    /// <param name="evalRows">How many eval rows the training reads: a uniform sample of that many (<see cref="RowSample.EvalSeed"/>),
    /// or <see cref="int.MaxValue"/> for all. Of raw examples only the sample's rows are copied out of the files.</param>
    /// <param name="probeTrain">The C API engine may read the raw train split through the compiled graph: read only its first rows
    /// and its label column now (see <see cref="TrainingSplits.WholeTrain"/>).</param>
    private static async Task<TrainingSplits> LoadSplitsAsync(MLContext ml, Examples examples, Task<(ITransformer Graph, DataViewSchema RawSchema)> graphLoading,
        TrainerOptions options, string label, int evalRows, bool probeTrain, CancellationToken cancellationToken)
    {
        var splits = examples.SplitNames;
        var hasEval = options.EvalSplit != options.TrainSplit && splits.Contains(options.EvalSplit);
        if (examples.GetString("format") == Transform.IdvFormat)
        {
            var wholeEval = hasEval ? ml.Data.LoadFromBinary(Path.Combine(examples.SplitUri(options.EvalSplit), Transform.DataFileName)) : null;
            var sampledEval = wholeEval is null || evalRows == int.MaxValue ? wholeEval : RowSampleDataView.Sample(wholeEval, evalRows, RowSample.EvalSeed);
            return new TrainingSplits(
                ml.Data.LoadFromBinary(Path.Combine(examples.SplitUri(options.TrainSplit), Transform.DataFileName)),
                sampledEval,
                null,
                Materialized: true)
            {
                EvalSample = sampledEval is RowSampleDataView sample ? (evalRows, sample.Source.GetRowCount() ?? -1) : null,
            };
        }

        if (!File.Exists(Path.Combine(examples.SplitUri(options.TrainSplit), ColumnarFormat.ManifestFileName)))
        {
            throw new DataValidationException(
                $"The examples artifact {examples.Id} wired to '{Trainer.ExamplesPort}' is neither transformed examples (its 'format' property is '{examples.GetString("format") ?? "(none)"}', expected '{Transform.IdvFormat}') " +
                $"nor raw examples (no {ColumnarFormat.ManifestFileName} in '{examples.SplitUri(options.TrainSplit)}'). Wire transform.Outputs.TransformedExamples, or exampleGen.Outputs.Examples with a Transform whose Materialize = false.");
        }

        var trainDirectory = examples.SplitUri(options.TrainSplit);
        var trainManifest = ColumnarFormat.ReadManifest(trainDirectory);
        var probe = probeTrain && trainManifest.RowCount > TrainProbeRows
            && trainManifest.Columns.Any(c => c.Name == label && c.Kind != ColumnKind.Text);
        var trainReading = Task.Run(() => ColumnarFormat.ReadAsync(trainDirectory, null, probe ? TrainProbeRows : int.MaxValue, cancellationToken), cancellationToken);
        var labelReading = probe
            ? Task.Run(() => ColumnarFormat.ReadAsync(trainDirectory, [label], cancellationToken), cancellationToken)
            : Task.FromResult<ColumnarTable>(null!);
        var evalReading = hasEval
            ? Task.Run(() => ReadEvalAsync(examples.SplitUri(options.EvalSplit), evalRows, cancellationToken), cancellationToken)
            : Task.FromResult<ColumnarTable?>(null)!;
        var reading = Stopwatch.StartNew();
        await ((Task)Task.WhenAll(trainReading, evalReading, labelReading)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var readSeconds = reading.Elapsed.TotalSeconds;
        var rawTrain = await trainReading.ConfigureAwait(false);
        var rawEval = await evalReading.ConfigureAwait(false);
        var trainLabels = await labelReading.ConfigureAwait(false);
        var graph = (await graphLoading.ConfigureAwait(false)).Graph;
        return new TrainingSplits(
            ApplyGraph(graph, rawTrain, examples, options.TrainSplit),
            rawEval is null ? null : ApplyGraph(graph, rawEval, examples, options.EvalSplit),
            rawTrain,
            Materialized: false)
        {
            EvalSample = rawEval is null || ColumnarFormat.ReadManifest(examples.SplitUri(options.EvalSplit)).RowCount is var all && all == rawEval.RowCount
                ? null : (rawEval.RowCount, all),
            RawReadSeconds = readSeconds,
            RawEval = rawEval,
            WholeTrain = probe ? (trainDirectory, (NumericColumn)trainLabels[label]) : null,
        };
    }

    /// <summary>The splits with the whole raw train split read, when only its first rows were (<see cref="TrainingSplits.WholeTrain"/>).</summary>
    private static async Task<TrainingSplits> ReadWholeTrainAsync(TrainingSplits splits, ITransformer graph, Examples examples, string split, CancellationToken cancellationToken)
    {
        if (splits.WholeTrain is not { Directory: var directory })
        {
            return splits;
        }

        var reading = Stopwatch.StartNew();
        var rawTrain = await ColumnarFormat.ReadAsync(directory, cancellationToken).ConfigureAwait(false);
        return splits with
        {
            Train = ApplyGraph(graph, rawTrain, examples, split),
            RawTrain = rawTrain,
            WholeTrain = null,
            RawReadSeconds = splits.RawReadSeconds + reading.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// The raw eval split, or a uniform sample of <paramref name="sampleRows"/> of its rows (<see cref="RowSample.EvalSeed"/>)
    /// read a range at a time: the Trainer scores only a sample of the eval split, and reading all of it (the flights eval
    /// split: 1M rows, 40 MB) cost as much as reading the sample through the graph. Not its first rows: see <see cref="RowSample"/>.
    /// </summary>
    private static async Task<ColumnarTable> ReadEvalAsync(string directory, int sampleRows, CancellationToken cancellationToken)
    {
        var manifest = ColumnarFormat.ReadManifest(directory);
        if (sampleRows >= manifest.RowCount)
        {
            return await ColumnarFormat.ReadAsync(directory, cancellationToken).ConfigureAwait(false);
        }

        using var reader = ColumnarChunkReader.Open(directory, [.. manifest.Columns.Select(c => c.Name)]);
        return reader.ReadRows(RowSample.Choose(manifest.RowCount, sampleRows, RowSample.EvalSeed));
    }

    /// <summary>The graph over raw rows (lazy: rows are transformed as a cursor reads them).</summary>
    private static IDataView ApplyGraph(ITransformer graph, ColumnarTable table, Examples examples, string split)
    {
        var view = new ColumnarDataView(table);
        try
        {
            return graph.Transform(view);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            throw new DataValidationException(
                $"The transform graph cannot be applied to split '{split}' of the raw examples {examples.Id}: {e.Message} Raw columns: {TransformExecutor.Describe(view.Schema)}.", e);
        }
    }

    /// <summary>
    /// The raw train split through the graph compiled to array reads (<see cref="CompiledFeaturizer"/>), when the graph is made of
    /// the transforms it handles, passes the label through as a number the C API engine reads raw, and gives the same feature
    /// vectors as ML.NET on the rows checked (<see cref="FeatureRows.Verify"/>); otherwise null, and the rows go through ML.NET.
    /// </summary>
    private static FeatureRows? CompiledTrain(TrainingSplits splits, ITransformer graph, ITransformer? featureConversion, TrainerOptions options, string label, Action<string> log)
    {
        if (splits.RawTrain is not { } table || featureConversion is not null || options.Task == TrainingTask.Ranking
            || !table.Contains(label) || table[label] is not NumericColumn
            || splits.Train.Schema.GetColumnOrNull(label) is not { } labelColumn || RawLabelRule.For(labelColumn, options) is null)
        {
            return null;
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var compiled = CompiledFeaturizer.TryCreate(graph, new ColumnarDataView(table).Schema, options.FeatureColumn, out var why);
        if (compiled is not null && !compiled.PassesThrough(label))
        {
            (compiled, why) = (null, $"the graph outputs its own '{label}' column");
        }

        var rows = compiled?.TryBind(table, out why);
        var mismatch = rows?.Verify();
        if (rows is null || mismatch is not null)
        {
            log(mismatch is null
                ? $"The raw train rows go through ML.NET's transforms: the graph does not compile ({why})."
                : $"The raw train rows go through ML.NET's transforms: the compiled graph differs from them ({mismatch}).");
            return null;
        }

        log($"The raw train rows go through the graph compiled to array reads (the same feature vectors as ML.NET's on the rows checked; compiled and checked in {clock.Elapsed.TotalSeconds:F2} s).");
        return rows;
    }

    /// <summary>
    /// The raw eval rows through the train split's compiled graph, checked against ML.NET on some of them (the eval split has
    /// its own text dictionaries, so its binding is checked on its own); null (the eval rows then go through ML.NET's
    /// transforms, 20,000 flights rows ≈ 30–50 ms instead of ≈ 10 ms) when there is no compiled graph or the check fails.
    /// </summary>
    private static FeatureRows? CompiledEval(TrainingSplits splits, FeatureRows? compiledTrain, string label, Action<string> log)
    {
        if (compiledTrain is null || splits.RawEval is not { } table || !table.Contains(label) || table[label] is not NumericColumn)
        {
            return null;
        }

        var rows = compiledTrain.Featurizer.TryBind(table, out var why);
        var mismatch = rows?.Verify(sampleRows: 200);
        if (rows is null || mismatch is not null)
        {
            log($"The raw eval rows go through ML.NET's transforms: {(mismatch is null ? $"the compiled graph does not bind to them ({why})" : $"the compiled graph differs from them ({mismatch})")}.");
            return null;
        }

        return rows;
    }

    /// <summary>
    /// The raw train split as consecutive row ranges, each transformed by the graph (and the feature conversion) on its own and
    /// read by one of <paramref name="threads"/> threads: ML.NET transforms a cursor's rows on one thread, and reading through
    /// the graph is most of the C API engine's read. Four ranges per thread, so a thread slowed down (by other processes on
    /// the machine) leaves its remaining ranges to the others. Null when materialized, too small to split, or ranking (a
    /// query group must not straddle two ranges).
    /// </summary>
    private static IReadOnlyList<IDataView>? TrainRanges(TrainingSplits splits, ITransformer graph, ITransformer? featureConversion, TrainerOptions options, int threads)
    {
        const int MinRowsPerRange = 50_000;
        if (splits.RawTrain is not { } table || options.Task == TrainingTask.Ranking)
        {
            return null;
        }

        var ranges = Math.Min(4 * Math.Max(1, threads), table.RowCount / MinRowsPerRange);
        if (ranges < 2)
        {
            return null;
        }

        var size = (table.RowCount + ranges - 1) / ranges;
        var views = new List<IDataView>(ranges);
        for (var start = 0; start < table.RowCount; start += size)
        {
            var rows = Enumerable.Range(start, Math.Min(size, table.RowCount - start)).ToArray();
            var view = graph.Transform(new ColumnarDataView(table.Gather(rows)));
            views.Add(featureConversion?.Transform(view) ?? view);
        }

        return views;
    }
}
