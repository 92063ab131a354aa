using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;

namespace Pipelines.Components;

/// <summary>The LightGBM C API engine of <see cref="TrainerExecutor"/> (see <see cref="LightGbmEngine.CApi"/>).</summary>
public sealed partial class TrainerExecutor
{
    private const int MaxCApiColumns = 2_000;
    private const long MaxCApiValues = 500_000_000;
    private const int VerificationRows = 2_000;

    /// <summary>The C API engine's columns for this feature column, or null (with the reason) when ML.NET's trainer is to be used.</summary>
    private static LightGbmFeatureLayout? NativeLayout(LightGbmOptions options, DataViewSchema.Column feature, long trainRows, out string why)
    {
        why = "";
        if (options.Engine == LightGbmEngine.MlNetTrainer)
        {
            why = $"{nameof(LightGbmOptions)}.{nameof(LightGbmOptions.Engine)} = {nameof(LightGbmEngine.MlNetTrainer)}.";
            return null;
        }

        if (feature.Type is not VectorDataViewType { IsKnownSize: true, ItemType: var item } || item != NumberDataViewType.Single)
        {
            why = $"the feature column '{feature.Name}' is {feature.Type}, not a float vector of known size.";
            return options.Engine == LightGbmEngine.CApi ? throw new DataValidationException($"{nameof(LightGbmEngine.CApi)} cannot train: {why} Concatenate the features into one vector, or use {nameof(LightGbmEngine.Auto)}.") : null;
        }

        var layout = LightGbmFeatureLayout.For(feature, options.UseCategoricalSplit ?? trainRows > 50_000);
        if (options.Engine == LightGbmEngine.Auto && (layout.Columns > MaxCApiColumns || trainRows * layout.Columns > MaxCApiValues))
        {
            why = $"{layout.Columns} LightGBM columns × {trainRows} rows is more than the dense matrix the C API engine builds ({MaxCApiColumns} columns, {MaxCApiValues} values); ML.NET's trainer reads sparse vectors.";
            return null;
        }

        return layout;
    }

    private static async Task<(ITransformer Model, NativeTrainingRecord Record)> FitNativeAsync(MLContext ml, LightGbmOptions a, TrainerOptions options, int threads,
        LightGbmFeatureLayout layout, RawSplits raw, IDataView trainPrepared, IDataView? evalPrepared, Action<string> log, CancellationToken cancellationToken)
    {
        var stage = Stopwatch.StartNew();

        // The common labels are read straight from the raw column (same rows and values as the prepared view).
        var rule = RawLabelRule.For(raw.Train.Schema[raw.Label], options);
        var train = rule is null
            ? LightGbmMatrix.Read(trainPrepared, options.FeatureColumn, layout, long.MaxValue, cancellationToken)
            : raw.TrainFeatures is { } probe && raw.WholeTrain is { } whole
            ? ReadCompiledFromDisk(probe.Featurizer, whole.Directory, whole.Labels.Values, rule, layout, threads, cancellationToken)
            : raw.TrainFeatures is { } compiled && compiled.Table[rule.Column] is Pipelines.Data.NumericColumn rawLabels
            ? LightGbmMatrix.ReadCompiled(compiled, rawLabels.Values, rule, layout, threads, cancellationToken)
            : raw.TrainRanges is { } ranges
            ? LightGbmMatrix.ReadRanges(ranges, options.FeatureColumn, layout, rule, threads, cancellationToken)
            : LightGbmMatrix.Read(raw.Train, options.FeatureColumn, layout, long.MaxValue, cancellationToken, rule);
        // Ranking's eval sample is whole query groups, already drawn: all its rows (the row count would cut the last group).
        var validRows = options.TrainingLogEvalRows > 0 ? (options.Task == TrainingTask.Ranking ? long.MaxValue : options.TrainingLogEvalRows)
            : a.EarlyStoppingRound > 0 ? long.MaxValue : 0;
        var valid = evalPrepared is null || validRows == 0 ? null
            : rule is null || raw.Eval is null ? LightGbmMatrix.Read(evalPrepared, options.FeatureColumn, layout, validRows, cancellationToken)
            : raw.EvalFeatures is { } compiledEval && compiledEval.Table[rule.Column] is Pipelines.Data.NumericColumn evalLabels
            ? LightGbmMatrix.ReadCompiled(compiledEval, evalLabels.Values, rule, layout, threads, cancellationToken, validRows)
            : LightGbmMatrix.Read(raw.Eval, options.FeatureColumn, layout, validRows, cancellationToken, rule);
        if (valid is { Rows: 0 })
        {
            valid = null;
        }

        if (a.EarlyStoppingRound > 0 && valid is null)
        {
            throw new DataValidationException(
                $"{nameof(LightGbmOptions)}.{nameof(LightGbmOptions.EarlyStoppingRound)} needs eval rows, and the eval split '{options.EvalSplit}' has none with a label.");
        }

        log($"Read {train.Rows} train{(valid is null ? "" : $" and {valid.Rows} eval")} rows into {layout.Columns} LightGBM columns ({layout.SlotCount} feature slots, {layout.CategoricalColumns.Count()} categorical){(rule is null ? "" : raw.TrainFeatures is not null ? $", the raw {(valid is not null && raw.EvalFeatures is not null ? "train and eval" : "train")} rows through the compiled graph on {threads} threads," : raw.TrainRanges is { Count: var rangeCount } ? $", the raw train rows through the graph as {rangeCount} row ranges on {threads} threads," : "")} in {stage.Elapsed.TotalSeconds:F2} s.");
        if (train.Rows == 0)
        {
            throw new DataValidationException($"The train split '{options.TrainSplit}' has no rows with a label to train on.");
        }

        stage.Restart();
        var classes = trainPrepared.Schema[LabelPreparation.LabelColumn].Type is KeyDataViewType key ? (int)key.Count : 2;
        using var training = Fit(() => NativeLightGbmTraining.Create(a, options.Task, threads, classes, layout, train, valid), a, cancellationToken);
        log($"LightGBM dataset built in {stage.Elapsed.TotalSeconds:F2} s.");
        stage.Restart();
        training.Train(a.NumberOfIterations, a.EarlyStoppingRound, cancellationToken);
        log($"Boosted {training.Iterations} iterations in {stage.Elapsed.TotalSeconds:F2} s{(training.EarlyStopping is { } e ? $" (early stopping: best iteration {e.BestIteration}, {training.MetricName} {e.BestScore:G6})" : "")}.");
        var why = $"with {train.Rows} train rows, {nameof(LightGbmOptions.MinimumExampleCountPerLeaf)} = {a.MinimumExampleCountPerLeaf} and {nameof(LightGbmOptions.MinimumChildWeight)} = {a.MinimumChildWeight.ToString(CultureInfo.InvariantCulture)}, no split of any feature improves the loss";
        if (training.NoSplitAt == 1)
        {
            throw new DataValidationException(
                $"LightGBM found no split in its first iteration: {why}, so the model would predict the same value for every row. Lower {nameof(LightGbmOptions.MinimumExampleCountPerLeaf)} or {nameof(LightGbmOptions.MinimumChildWeight)}, or train on more rows, or check that the features vary.");
        }

        var noSplit = training.NoSplitAt is { } at
            ? $"LightGBM stopped at iteration {at} of {a.NumberOfIterations}: {why} any more; the model keeps the {training.Iterations} iteration(s) before."
            : null;
        if (noSplit is not null)
        {
            log(noSplit);
        }

        stage.Restart();
        var nativeText = training.NativeModelText();

        // The view whose rows are the sample's: the prepared split, or with a raw label rule the raw split minus missing labels.
        var (sample, sampleView) = valid is null ? (train, trainPrepared) : (valid, evalPrepared!);
        if (rule is not null)
        {
            var rawView = valid is null ? raw.Train : raw.Eval!;
            sampleView = rawView.Schema[raw.Label].Type is NumberDataViewType ? ml.Data.FilterRowsByMissingValues(rawView, raw.Label) : rawView;
        }

        // The booster's scores are taken now (it is freed when this returns); ML.NET's side of the check runs while the model
        // is saved and the eval metrics computed, and is awaited before anything is published.
        var rows = Math.Min(VerificationRows, sample.Rows);
        if (valid is null && rule is not null && raw.WholeTrain is not null && raw.TrainFeatures?.Table[rule.Column] is Pipelines.Data.NumericColumn probeLabels)
        {
            // The view of the train rows holds only the split's first rows (the matrix all of them): check the ones it has.
            rows = Math.Min(rows, probeLabels.Values.Count(v => !float.IsNaN(rule.Label(v))));
        }

        var expected = training.Predict(sample, rows);
        var outputs = training.OutputsPerRow;

        // The booster scores the eval sample for the final metrics on another core while this one converts the model (they
        // take about as long); the booster is freed only after both.
        var evalScoring = valid is null || !HasScoredSample(options.Task) ? null : Task.Run(() => training.Predict(valid, valid.Rows), cancellationToken);
        ITransformer model;
        Task<int> verification;
        double[]? evalScores;
        try
        {
            model = LoadPretrained(ml, options.Task, NativeLightGbmTraining.ForMlNet(nativeText, layout), options.FeatureColumn, trainPrepared);
            verification = Task.Run(() => Verify(ml, model, expected, outputs, rows, sample, sampleView));
            log($"Converted to an ML.NET model in {stage.Elapsed.TotalSeconds:F2} s.");
            evalScores = evalScoring is null ? null : await evalScoring.ConfigureAwait(false);
        }
        catch
        {
            await (evalScoring ?? Task.CompletedTask).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        var perIteration = training.MetricName is { } metric ? new IterationMetrics(metric, valid!.Rows, [.. training.MetricPerIteration]) : null;
        var columns = Enumerable.Range(0, layout.Columns)
            .Select(c => new LightGbmColumn(layout.Names[c], layout.ColumnStarts[c], layout.ColumnStarts[c + 1] - layout.ColumnStarts[c], layout.IsCategorical[c], layout.Categories[c]))
            .ToList();
        var scoredEvalSample = evalScores is null ? null : ScoredSample(ml, options.Task, evalScores, valid!);
        return (model, new NativeTrainingRecord(nativeText, training.Iterations, training.EarlyStopping, perIteration, columns)
        {
            ScoredEvalSample = scoredEvalSample,
            Verification = verification,
            Warning = noSplit,
        });
    }

    private static LightGbmMatrix ReadCompiledFromDisk(CompiledFeaturizer featurizer, string directory, double[] labels, RawLabelRule rule,
        LightGbmFeatureLayout layout, int threads, CancellationToken cancellationToken)
    {
        using var split = Pipelines.Data.ColumnarChunkReader.Open(directory, featurizer.InputColumns);
        return LightGbmMatrix.ReadCompiled(featurizer, split, labels, rule, layout, threads, cancellationToken);
    }

    /// <summary>The trained model as ML.NET's LightGBM model, through ML.NET's pre-trained model loader (it reads no rows, only the
    /// schema: the label's classes for multiclass).</summary>
    private static ITransformer LoadPretrained(MLContext ml, TrainingTask task, string modelText, string featureColumn, IDataView trainPrepared)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(modelText));
        switch (task)
        {
            case TrainingTask.BinaryClassification:
                return ml.BinaryClassification.Trainers.LightGbm(WithModel(new LightGbmBinaryTrainer.Options(), featureColumn, stream)).Fit(trainPrepared);
            case TrainingTask.MulticlassClassification:
                return ml.MulticlassClassification.Trainers.LightGbm(WithModel(new LightGbmMulticlassTrainer.Options(), featureColumn, stream)).Fit(trainPrepared);
            case TrainingTask.Regression:
                return ml.Regression.Trainers.LightGbm(WithModel(new LightGbmRegressionTrainer.Options(), featureColumn, stream)).Fit(trainPrepared);
            default:
                var ranking = WithModel(new LightGbmRankingTrainer.Options(), featureColumn, stream);
                ranking.RowGroupColumnName = LabelPreparation.GroupColumn;
                return ml.Ranking.Trainers.LightGbm(ranking).Fit(trainPrepared);
        }
    }

    /// <summary>
    /// Options that make ML.NET's trainer load <paramref name="model"/> instead of training. ML.NET's public pre-trained overloads
    /// (<c>LightGbm(Stream, featureColumnName)</c>) set no label column, which leaves a multiclass model without its classes; the
    /// options type has the same <c>LightGbmModel</c> field, internal, so it is set here by reflection (ML.NET 5.0.1).
    /// </summary>
    private static TOptions WithModel<TOptions>(TOptions options, string featureColumn, Stream model)
        where TOptions : TrainerInputBaseWithGroupId
    {
        options.LabelColumnName = LabelPreparation.LabelColumn;
        options.FeatureColumnName = featureColumn;
        var field = BaseTypes(typeof(TOptions))
            .Select(t => t.GetField("LightGbmModel", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .FirstOrDefault(f => f is not null && f.FieldType == typeof(Stream))
            ?? throw new InvalidOperationException($"This ML.NET version's {typeof(TOptions).FullName} has no LightGbmModel field to load a LightGBM model from; train with {nameof(LightGbmOptions)}.{nameof(LightGbmOptions.Engine)} = {nameof(LightGbmEngine.MlNetTrainer)}.");
        field.SetValue(options, model);
        return options;

        static IEnumerable<Type> BaseTypes(Type? type)
        {
            for (; type is not null; type = type.BaseType)
            {
                yield return type;
            }
        }
    }

    /// <summary>
    /// Checks that ML.NET's model scores the first rows of the sample as the booster does (raw scores; class probabilities for
    /// multiclass), so a conversion that went wrong (e.g. an ML.NET version reading LightGBM's text differently) fails the node
    /// instead of publishing a model that predicts something else. A float-rounded threshold may route a value lying exactly
    /// between it and LightGBM's double threshold differently: one row in a thousand is tolerated. Rows with a missing (NaN)
    /// feature are not compared: at a split that saw no missing value in training LightGBM reads NaN as 0 and ML.NET's tree as
    /// "greater than the threshold"; the saved model is ML.NET's, so ML.NET's reading is the one the Evaluator, the
    /// InfraValidator and the server all use. Returns the rows compared.
    /// </summary>
    private static int Verify(MLContext ml, ITransformer model, double[] expected, int outputs, int rows, LightGbmMatrix sample, IDataView sampleView)
    {
        var scored = model.Transform(ml.Data.TakeRows(sampleView, rows));
        var scoreColumn = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([scoreColumn]);
        var mismatches = 0;
        var compared = 0;
        var row = 0;
        var worst = (Row: -1, Expected: 0d, Actual: 0d);
        if (scoreColumn.Type is VectorDataViewType)
        {
            var get = cursor.GetGetter<VBuffer<float>>(scoreColumn);
            var vector = default(VBuffer<float>);
            while (cursor.MoveNext() && row < rows)
            {
                get(ref vector);
                if (HasMissing(row))
                {
                    row++;
                    continue;
                }

                compared++;
                var values = vector.DenseValues().ToArray();
                var bad = values.Length != outputs;
                for (var k = 0; !bad && k < outputs; k++)
                {
                    bad = Differs(expected[(row * outputs) + k], values[k]);
                    if (bad)
                    {
                        worst = (row, expected[(row * outputs) + k], values[k]);
                    }
                }

                mismatches += bad ? 1 : 0;
                row++;
            }
        }
        else
        {
            var get = cursor.GetGetter<float>(scoreColumn);
            var value = 0f;
            while (cursor.MoveNext() && row < rows)
            {
                get(ref value);
                if (HasMissing(row))
                {
                    row++;
                    continue;
                }

                compared++;
                if (Differs(expected[row], value))
                {
                    mismatches++;
                    worst = (row, expected[row], value);
                }

                row++;
            }
        }

        if (row != rows || mismatches > Math.Max(1, compared / 1000))
        {
            throw new InvalidOperationException(
                $"The ML.NET model converted from LightGBM's does not score like it: {mismatches} of {compared} rows without a missing feature differ (e.g. row {worst.Row}: LightGBM {worst.Expected:R}, ML.NET {worst.Actual:R}; its LightGBM columns: {(worst.Row < 0 ? "" : string.Join(' ', sample.RowValues.Slice(worst.Row * sample.Columns, sample.Columns).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))))}; {row} rows scored). Train with {nameof(LightGbmOptions)}.{nameof(LightGbmOptions.Engine)} = {nameof(LightGbmEngine.MlNetTrainer)} and report this.");
        }

        return compared;

        bool HasMissing(int r)
        {
            foreach (var v in sample.RowValues.Slice(r * sample.Columns, sample.Columns))
            {
                if (float.IsNaN(v))
                {
                    return true;
                }
            }

            return false;
        }

        static bool Differs(double expected, float actual) => Math.Abs(expected - actual) > 1e-5 + (1e-5 * Math.Abs(expected));
    }

    /// <summary>Whether <see cref="ScoredSample"/> serves the task (the others score the eval sample through the model).</summary>
    private static bool HasScoredSample(TrainingTask task) => task is TrainingTask.BinaryClassification or TrainingTask.Regression;

    /// <summary>
    /// The eval sample scored by the booster (<paramref name="raw"/>: its raw scores), as the columns ML.NET's evaluators read (binary: label, Score, Probability,
    /// PredictedLabel; regression: label, Score): the same values the saved model gives (checked above) without running the
    /// model over the sample again. Only for <see cref="HasScoredSample"/> tasks: multiclass and ranking evaluators need key-typed
    /// columns, so those score the sample through the model.
    /// </summary>
    private static IDataView ScoredSample(MLContext ml, TrainingTask task, double[] raw, LightGbmMatrix valid)
    {
        var labels = valid.Labels;
        if (task == TrainingTask.Regression)
        {
            return ml.Data.LoadFromEnumerable(Enumerable.Range(0, valid.Rows).Select(i => new ScoredRegressionRow { Label = labels[i], Score = (float)raw[i] }));
        }

        var rows = new ScoredBinaryRow[valid.Rows];
        for (var i = 0; i < rows.Length; i++)
        {
            // ML.NET's binary LightGBM: Probability = Platt(-sigmoid · score), PredictedLabel = score > 0; sigmoid is 1 here.
            var score = (float)raw[i];
            rows[i] = new ScoredBinaryRow { Label = labels[i] > 0, Score = score, Probability = (float)(1 / (1 + Math.Exp(-raw[i]))), PredictedLabel = score > 0 };
        }

        return ml.Data.LoadFromEnumerable(rows);
    }

    /// <summary>A binary row for ML.NET's evaluator.</summary>
    private sealed class ScoredBinaryRow
    {
        [ColumnName(LabelPreparation.LabelColumn)]
        public bool Label { get; set; }

        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    /// <summary>A regression row for ML.NET's evaluator.</summary>
    private sealed class ScoredRegressionRow
    {
        [ColumnName(LabelPreparation.LabelColumn)]
        public float Label { get; set; }

        public float Score { get; set; }
    }

    /// <summary>The splits before label preparation (features already converted to float) and the raw label column.</summary>
    private sealed record RawSplits(IDataView Train, IDataView? Eval, string Label)
    {
        /// <summary><see cref="Train"/> as consecutive row ranges to read on several cores, or null (see <c>TrainRanges</c>).</summary>
        public IReadOnlyList<IDataView>? TrainRanges { get; init; }

        /// <summary>The raw train rows through the compiled graph (see <c>CompiledTrain</c>), or null.</summary>
        public FeatureRows? TrainFeatures { get; init; }

        /// <summary>Set when <see cref="TrainFeatures"/> are only the split's first rows: its directory and whole label column, to
        /// read all its rows from (see <c>TrainingSplits.WholeTrain</c>).</summary>
        public (string Directory, Pipelines.Data.NumericColumn Labels)? WholeTrain { get; init; }

        /// <summary>The raw eval rows through the compiled graph (see <c>CompiledEval</c>), or null.</summary>
        public FeatureRows? EvalFeatures { get; init; }
    }

    /// <summary>What the C API engine adds to the Model artifact and the training log.</summary>
    private sealed record NativeTrainingRecord(
        string ModelText,
        int Iterations,
        EarlyStoppingResult? EarlyStopping,
        IterationMetrics? PerIteration,
        IReadOnlyList<LightGbmColumn> Columns)
    {
        /// <summary>The eval sample scored by the booster for the final metrics; null = score it through the model.</summary>
        public IDataView? ScoredEvalSample { get; init; }

        /// <summary>The check of the ML.NET model against the booster (rows compared); it throws when they differ.</summary>
        public required Task<int> Verification { get; init; }

        /// <summary>Something the training log's warnings should carry (LightGBM stopping for lack of a split), or null.</summary>
        public string? Warning { get; init; }
    }
}
