using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Components;
using Pipelines.Validation;
using static Pipelines.Tests.Trainer.TrainerHarness;
using static Pipelines.Tests.Transform.ModelingTestData;

namespace Pipelines.Tests.Trainer;

/// <summary>The Trainer's LightGBM C API engine: feature layout, one-hot collapse, model conversion, training log.</summary>
public sealed class LightGbmCApiTests
{
    [Fact]
    public void Layout_OneHotBlocksWithCategoricalSplit_BecomeOneCategoricalColumnEach()
    {
        var feature = OneHotFeatures().Schema["Features"];

        var collapsed = LightGbmFeatureLayout.For(feature, useCategoricalSplit: true);
        var flat = LightGbmFeatureLayout.For(feature, useCategoricalSplit: false);

        // x (1 slot), then colour one-hot (3 slots), then y (1 slot).
        Assert.Equal(5, collapsed.SlotCount);
        Assert.Equal([0, 1, 4, 5], collapsed.ColumnStarts);
        Assert.Equal([false, true, false], collapsed.IsCategorical);
        Assert.Equal([1], collapsed.CategoricalColumns);
        Assert.Equal(["X", "colour_onehot", "Y"], collapsed.Names);
        Assert.Equal(["red", "green", "blue"], collapsed.Categories[1]!);
        Assert.Null(collapsed.Categories[0]);
        Assert.Equal(5, flat.Columns);
        Assert.Empty(flat.CategoricalColumns);
    }

    [Fact]
    public void Collapse_DenseAndSparseVectors_GiveTheHotSlotOffsetOrMinusOne()
    {
        var layout = LightGbmFeatureLayout.For(OneHotFeatures().Schema["Features"], useCategoricalSplit: true);
        var row = new float[3];

        LightGbmMatrix.Collapse(new VBuffer<float>(5, [2.5f, 0, 0, 1, 7]), layout, row);
        Assert.Equal([2.5f, 2f, 7f], row);

        LightGbmMatrix.Collapse(new VBuffer<float>(5, 2, [1, 3f], [2, 4]), layout, row);
        Assert.Equal([0f, 1f, 3f], row);

        // No hot slot (an unseen category): LightGBM's missing value for categoricals.
        LightGbmMatrix.Collapse(new VBuffer<float>(5, 1, [9f], [0]), layout, row);
        Assert.Equal([9f, -1f, 0f], row);
    }

    [Fact]
    public void ForMlNet_MapsSplitFeaturesToFirstSlotsAndKeepsOnlyLoaderParameters()
    {
        var layout = LightGbmFeatureLayout.For(OneHotFeatures().Schema["Features"], useCategoricalSplit: true);
        var native = string.Join('\n',
            "tree", "version=v4", "num_class=1", "max_feature_idx=2", "objective=binary sigmoid:1", "",
            "Tree=0", "num_leaves=3", "num_cat=1", "split_feature=1 2", "threshold=0 42.39999961853028", "decision_type=1 10", "", "end of trees", "",
            "parameters:", "[boosting: gbdt]", "[objective: binary]", "[metric: binary_logloss]", "[sigmoid: 1]", "[categorical_feature: 1]", "end of parameters", "");

        var converted = NativeLightGbmTraining.ForMlNet(native, layout);

        Assert.Contains("max_feature_idx=4\n", converted, StringComparison.Ordinal);
        Assert.Contains("split_feature=1 4\n", converted, StringComparison.Ordinal);
        Assert.Contains("[categorical_feature: ]\n", converted, StringComparison.Ordinal);
        Assert.Contains("[sigmoid: 1]\n", converted, StringComparison.Ordinal);
        Assert.DoesNotContain("[metric:", converted, StringComparison.Ordinal);
        // The categorical split keeps its category-set index; the numeric one gets the largest float not above it.
        Assert.Contains("threshold=0 42.39999771118164\n", converted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42.39999961853028", "42.39999771118164")]
    [InlineData("1.0000000180025095e-35", "1.0000000180025095E-35")]
    [InlineData("-0.5", "-0.5")]
    [InlineData("inf", "inf")]
    [InlineData("-inf", "-inf")]
    [InlineData("-1.0000000000000002", "-1.0000001192092896")]
    public void FloatAtMost_RoundsTheDoubleThresholdDownToAFloat(string threshold, string expected) =>
        Assert.Equal(expected, NativeLightGbmTraining.FloatAtMost(threshold));

    [Fact]
    public async Task ExecuteAsync_SplitBetweenAdjacentFloats_ConvertedModelScoresLikeLightGbm()
    {
        // x1 takes 42.4f and the float just below it: LightGBM splits at their midpoint (a double), which a plain float cast
        // rounds up to 42.4f, sending 42.4f the other way in ML.NET; the conversion rounds it down instead.
        var above = (double)42.4f;
        var below = (double)MathF.BitDecrement(42.4f);
        var train = Enumerable.Range(0, 400).Select(i => i % 2 == 0 ? above : below).ToArray();
        var table = BinaryData(400, 1);
        var x1 = Pipelines.Tests.StatisticsGen.ValidationTestData.Numeric("x1", train);
        var labels = Pipelines.Tests.StatisticsGen.ValidationTestData.Text("label", [.. train.Select(v => v == above ? "yes" : "no")]);
        var data = new Pipelines.Data.ColumnarTable([x1, table["x2"], table["island"], labels]);
        using var harness = await CreateAsync(data, data, Schema("label", FeatureType.String));

        var (model, _) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            Algorithm = new LightGbmOptions { NumberOfIterations = 5, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 2 },
        });

        using var trainingLog = ReadLog(model);
        Assert.Equal(1.0, trainingLog.RootElement.GetProperty("EvalMetrics").GetProperty("AreaUnderRocCurve").GetDouble());
    }

    [Fact]
    public async Task ExecuteAsync_CategoricalMulticlass_TrainsThroughCApiWithPerIterationMetricAndNativeModel()
    {
        using var harness = await CreateAsync(Gaussians(300, 1), Gaussians(150, 2), Schema("species", FeatureType.String));

        var (model, log) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.MulticlassClassification,
            Algorithm = new LightGbmOptions { NumberOfIterations = 40, MinimumExampleCountPerLeaf = 5, MinimumExampleCountPerGroup = 5, UseCategoricalSplit = true, NumberOfThreads = 2 },
        });

        Assert.Contains(log, l => l.Contains("into 3 LightGBM columns (5 feature slots, 1 categorical)", StringComparison.Ordinal));
        using var trainingLog = ReadLog(model);
        var root = trainingLog.RootElement;
        Assert.Equal("CApi", root.GetProperty("Engine").GetString());
        var perIteration = root.GetProperty("EvalMetricPerIteration");
        Assert.Equal("multi_logloss", perIteration.GetProperty("Metric").GetString());
        Assert.Equal(150, perIteration.GetProperty("Rows").GetInt64());
        var values = perIteration.GetProperty("Values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(40, values.Length);
        Assert.True(values[^1] < values[0] / 2, $"multi_logloss went from {values[0]} to {values[^1]}");
        Assert.Equal(values[^1], root.GetProperty("EvalMetrics").GetProperty("LogLoss").GetDouble(), 4);
        var lightGbmColumns = root.GetProperty("LightGbmColumns").Deserialize<LightGbmColumn[]>()!;
        Assert.Equal(["x1_f", "x2_f", "island_onehot"], lightGbmColumns.Select(c => c.Name));
        Assert.Equal([(0, 1, false), (1, 1, false), (2, 3, true)], lightGbmColumns.Select(c => (c.FirstSlot, c.Slots, c.Categorical)));
        Assert.Null(lightGbmColumns[0].Categories);
        Assert.Equal(["Biscoe", "Dream", "Torgersen"], lightGbmColumns[2].Categories!.Order(StringComparer.Ordinal));
        Assert.True(root.GetProperty("EvalMetrics").GetProperty("MicroAccuracy").GetDouble() >= 0.9);
        var text = await File.ReadAllTextAsync(Path.Combine(model.Uri, "lightgbm_model.txt"));
        Assert.StartsWith("tree\n", text, StringComparison.Ordinal);
        Assert.Contains("num_class=3", text, StringComparison.Ordinal);
        Assert.Contains("[categorical_feature: 2]", text, StringComparison.Ordinal);
        Assert.Contains("feature_names=x1_f x2_f island_onehot", text, StringComparison.Ordinal);

        var predicted = Score(model, WithoutColumn(harness.Eval, "species"), out _).GetColumn<ReadOnlyMemory<char>>("PredictedLabel").Select(p => p.ToString()).ToArray();
        var truth = Enumerable.Range(0, harness.Eval.RowCount).Select(i => (string)harness.Eval["species"].GetValue(i)!).ToArray();
        Assert.True(predicted.Zip(truth).Count(p => p.First == p.Second) >= 0.9 * truth.Length);
    }

    [Theory]
    [InlineData(300)] // ML.NET picks LightGBM's multiclassova below 50,000 rows: normalized Platt probabilities
    [InlineData(50_000)] // and multiclass from 50,000: the softmax of the scores
    public async Task ExecuteAsync_MulticlassThroughMlNetsTrainer_ReplaysMultiLogLossPerIterationEndingAtTheModelsOwn(int trainRows)
    {
        using var harness = await CreateAsync(Gaussians(trainRows, 1), Gaussians(150, 2), Schema("species", FeatureType.String));

        var (model, log) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.MulticlassClassification,
            Algorithm = new LightGbmOptions { NumberOfIterations = 30, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 2, Engine = LightGbmEngine.MlNetTrainer },
        });

        Assert.True(log.Any(l => l.StartsWith("Eval metric per iteration (multi_logloss on 150 rows) replayed from the trees in ", StringComparison.Ordinal)), string.Join(" | ", log));
        using var trainingLog = ReadLog(model);
        var root = trainingLog.RootElement;
        Assert.Equal("MlNetTrainer", root.GetProperty("Engine").GetString());
        var perIteration = root.GetProperty("EvalMetricPerIteration");
        Assert.Equal("multi_logloss", perIteration.GetProperty("Metric").GetString());
        var values = perIteration.GetProperty("Values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(30, values.Length);
        Assert.True(values[^1] < values[0] / 2, $"multi_logloss went from {values[0]} to {values[^1]}");

        // The last iteration is the saved model: ML.NET's evaluator on the same rows gives the same log-loss.
        Assert.Equal(values[^1], root.GetProperty("EvalMetrics").GetProperty("LogLoss").GetDouble(), 4);
    }

    [Fact]
    public async Task ExecuteAsync_BinaryCApi_MlNetLogLossEqualsLightGbmsLastIteration()
    {
        using var harness = await CreateAsync(BinaryData(600, 1), BinaryData(300, 2), Schema("label", FeatureType.String));

        var (model, _) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            Algorithm = new LightGbmOptions { NumberOfIterations = 20, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 2 },
        });

        // Same rows, same model: ML.NET's calibrated probabilities give LightGBM's own binary_logloss, both in nats in the log
        // (ML.NET's evaluator gives bits; the Trainer converts).
        using var trainingLog = ReadLog(model);
        var root = trainingLog.RootElement;
        var native = root.GetProperty("EvalMetricPerIteration").GetProperty("Values").EnumerateArray().Last().GetDouble();
        var mlnet = root.GetProperty("EvalMetrics").GetProperty("LogLoss").GetDouble();
        Assert.Equal(native, mlnet, 4);
    }

    [Theory]
    [InlineData(TrainingTask.BinaryClassification, 3)]
    [InlineData(TrainingTask.Regression, 3)]
    [InlineData(TrainingTask.BinaryClassification, 0)]
    public async Task ExecuteAsync_RawLabelRuleWithMissingLabels_DropsTheSameRowsAsThePreparedLabel(TrainingTask task, int trainMissing)
    {
        // y is missing in some train rows and in 4 eval rows (the label rule reads y directly instead of ML.NET's transforms).
        var train = WithMissing(RegressionData(400, 1), trainMissing);
        var eval = WithMissing(RegressionData(200, 2), 4);
        using var harness = await CreateAsync(train, eval, Schema("y", FeatureType.Float));

        var (model, log) = await harness.TrainAsync(new TrainerOptions
        {
            Task = task,
            PositiveAbove = task == TrainingTask.BinaryClassification ? 0 : null,
            Algorithm = new LightGbmOptions { NumberOfIterations = 20, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 2 },
        });

        Assert.Equal(400 - trainMissing, model.GetInt64("train_rows"));
        Assert.Contains(log, l => l.Contains($"Read {400 - trainMissing} train and 196 eval rows", StringComparison.Ordinal));
        using var trainingLog = ReadLog(model);
        Assert.Equal(196, trainingLog.RootElement.GetProperty("EvalMetricPerIteration").GetProperty("Rows").GetInt64());
        var metrics = trainingLog.RootElement.GetProperty("EvalMetrics");
        Assert.True(task == TrainingTask.Regression ? metrics.GetProperty("RSquared").GetDouble() > 0.8 : metrics.GetProperty("AreaUnderRocCurve").GetDouble() > 0.9);

        static Pipelines.Data.ColumnarTable WithMissing(Pipelines.Data.ColumnarTable table, int missing)
        {
            var y = ((Pipelines.Data.NumericColumn)table["y"]).Values.ToArray();
            for (var i = 0; i < missing; i++)
            {
                y[(i * 37) + 5] = double.NaN;
            }

            return new([.. table.Columns.Where(c => c.Name != "y"), Pipelines.Tests.StatisticsGen.ValidationTestData.Numeric("y", y)]);
        }
    }

    [Fact]
    public async Task ExecuteAsync_MlNetTrainerEngine_StillTrainsAndSaysSo()
    {
        using var harness = await CreateAsync(BinaryData(400, 1), BinaryData(200, 2), Schema("label", FeatureType.String));

        var (model, log) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            Algorithm = new LightGbmOptions { NumberOfIterations = 30, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 2, Engine = LightGbmEngine.MlNetTrainer },
        });

        Assert.Contains(log, l => l.Contains("Training through ML.NET's LightGBM trainer: LightGbmOptions.Engine = MlNetTrainer.", StringComparison.Ordinal));
        using var trainingLog = ReadLog(model);
        Assert.Equal("MlNetTrainer", trainingLog.RootElement.GetProperty("Engine").GetString());
        // ML.NET's trainer reports no metric per iteration: the Trainer replays the trees for it.
        Assert.Equal(30, trainingLog.RootElement.GetProperty("EvalMetricPerIteration").GetProperty("Values").GetArrayLength());
        Assert.False(File.Exists(Path.Combine(model.Uri, "lightgbm_model.txt")));
        Assert.True(trainingLog.RootElement.GetProperty("EvalMetrics").GetProperty("AreaUnderRocCurve").GetDouble() > 0.9);
    }

    [Fact]
    public async Task ExecuteAsync_BinaryCApiAndMlNetTrainer_ScoreTheEvalSplitAlike()
    {
        using var harness = await CreateAsync(BinaryData(2000, 1), BinaryData(500, 2), Schema("label", FeatureType.String));
        var options = new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            Algorithm = new LightGbmOptions { NumberOfIterations = 50, NumberOfThreads = 2 },
        };

        var (native, _) = await harness.TrainAsync(options);
        var (mlnet, _) = await harness.TrainAsync(options with { Algorithm = ((LightGbmOptions)options.Algorithm) with { Engine = LightGbmEngine.MlNetTrainer } });

        // The same objective: native LightGBM's sigmoid 1 on both engines. ML.NET's own default (0.5) learns the same
        // probabilities on twice the raw scale, so the models' Score columns differed by a factor of 2. Not to the bit: ML.NET
        // builds its dataset its own way and compares float thresholds.
        var eval = WithoutColumn(harness.Eval, "label");
        var scale = Scores(Score(mlnet, eval, out _)).Average(Math.Abs) / Scores(Score(native, eval, out _)).Average(Math.Abs);
        Assert.InRange(scale, 0.9, 1.1);
        using var a = ReadLog(native);
        using var b = ReadLog(mlnet);
        var aucA = a.RootElement.GetProperty("EvalMetrics").GetProperty("AreaUnderRocCurve").GetDouble();
        var aucB = b.RootElement.GetProperty("EvalMetrics").GetProperty("AreaUnderRocCurve").GetDouble();
        Assert.True(aucA > 0.93 && Math.Abs(aucA - aucB) < 0.005, $"C API AUC {aucA}, ML.NET trainer AUC {aucB}");
        double[] Curve(JsonDocument log) => [.. log.RootElement.GetProperty("EvalMetricPerIteration").GetProperty("Values").EnumerateArray().Select(v => v.GetDouble())];
        var (curveA, curveB) = (Curve(a), Curve(b));
        Assert.Equal(curveA.Length, curveB.Length);
        var worst = curveA.Zip(curveB, (x, y) => Math.Abs(x - y)).Max();
        Assert.True(worst < 0.01, $"binary_logloss per iteration differs by up to {worst}: C API {string.Join(' ', curveA.Take(5))} …, ML.NET trainer {string.Join(' ', curveB.Take(5))} …");
    }

    /// <summary>Features = x, colour one-hot (red, green, blue), y: slot ranges [1, 3] categorical.</summary>
    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(20_001L)]
    public void Read_ManyChunksOfDenseAndSparseRowsWithMissingLabels_EqualsCollapsingRowByRowInOrder(long maxRows)
    {
        // 30,000 rows (4 chunks of the pipelined reader), every third vector dense, every seventh label missing (skipped).
        var ml = new MLContext(0);
        var layout = LightGbmFeatureLayout.For(OneHotFeatures().Schema["Features"], useCategoricalSplit: true);
        var rows = Enumerable.Range(0, 30_000).Select(i => new VectorRow
        {
            Features = i % 3 == 0 ? new VBuffer<float>(5, [i, 0, i % 2, 0, -i]) : new VBuffer<float>(5, 2, [i, 1], [0, 1 + (i % 3)]),
            Label = i % 7 == 0 ? float.NaN : i % 2,
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(VectorRow));
        schema[nameof(VectorRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 5);
        var view = ml.Data.LoadFromEnumerable(rows, schema);
        var rule = RawLabelRule.For(view.Schema[nameof(VectorRow.Label)], new TrainerOptions { Task = TrainingTask.Regression, LabelColumn = nameof(VectorRow.Label) })!;

        var matrix = LightGbmMatrix.Read(view, nameof(VectorRow.Features), layout, maxRows, CancellationToken.None, rule);

        var kept = rows.Where(r => !float.IsNaN(r.Label)).Take((int)Math.Min(maxRows, int.MaxValue)).ToList();
        Assert.Equal(kept.Count, matrix.Rows);
        var expected = new float[3];
        for (var i = 0; i < kept.Count; i++)
        {
            LightGbmMatrix.Collapse(kept[i].Features, layout, expected);
            Assert.Equal(expected, matrix.RowValues.Slice(i * 3, 3).ToArray());
            Assert.Equal(kept[i].Label, matrix.RowLabels[i]);
        }
    }

    [Theory]
    [InlineData(5)] // every chunk's only label is its first row: a date part computed for one chunk must not be reused for the next
    [InlineData(4_096)]
    public async Task ReadCompiled_FromDiskInChunks_EqualsTheSplitInMemory(int chunkRows)
    {
        var table = FlightsLike(20_000, 1);
        var delays = ((Pipelines.Data.NumericColumn)table["delay"]).Values.Select((d, i) => i % 5 == 0 ? (double.IsNaN(d) ? 20 : d) : double.NaN).ToArray();
        table = new Pipelines.Data.ColumnarTable([.. table.Columns.Where(c => c.Name != "delay"), new Pipelines.Data.NumericColumn("delay", delays)]);
        var directory = Path.Combine(Path.GetTempPath(), "chunked-matrix-" + Guid.NewGuid().ToString("N"));
        try
        {
            await Pipelines.Data.ColumnarFormat.WriteAsync(table, directory, CancellationToken.None);
            var ml = new MLContext(1);
            var view = new Pipelines.Data.ColumnarDataView(table);
            var graph = new Pipelines.Tests.Transform.FlightsLikePreprocessing().Build(ml, null!).Fit(view);
            var featurizer = CompiledFeaturizer.TryCreate(graph, view.Schema, "Features", out var why);
            Assert.True(featurizer is not null, why);
            var inMemory = featurizer.TryBind(table, out why);
            Assert.True(inMemory is not null, why);
            var layout = LightGbmFeatureLayout.For(graph.GetOutputSchema(view.Schema)["Features"], useCategoricalSplit: true);
            var rule = RawLabelRule.For(view.Schema["delay"], new TrainerOptions { Task = TrainingTask.BinaryClassification, LabelColumn = "delay", PositiveAbove = 15 })!;

            var expected = LightGbmMatrix.ReadCompiled(inMemory, delays, rule, layout, threads: 2, CancellationToken.None);
            using var split = Pipelines.Data.ColumnarChunkReader.Open(directory, featurizer.InputColumns);
            var actual = LightGbmMatrix.ReadCompiled(featurizer, split, delays, rule, layout, threads: 2, CancellationToken.None, chunkRows);

            Assert.Equal(4_000, actual.Rows);
            Assert.Equal(expected.RowLabels.ToArray(), actual.RowLabels.ToArray());
            Assert.Equal(expected.RowValues.ToArray(), actual.RowValues.ToArray());
            Assert.True(actual.RowValues.ToArray().Chunk(layout.Columns).Select(r => r[0]).Distinct().Count() > 20, "the hours should vary");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(true, 1_000)]
    [InlineData(false, 1_000)]
    [InlineData(true, 5_000)] // ranges of two full 2,048-row tiles and a partial one
    public async Task ReadCompiled_ColumnAtATime_EqualsMlNetsFeatureVectorsCollapsed(bool useCategoricalSplit, int chunkRows)
    {
        // Date parts (NaN and out-of-range dates), numbers with NaN, airports missing or never seen, as one categorical column
        // or one column per airport; labels missing only in rows 5,000–5,999, so the chunk holding them is read row by row and the others
        // a column at a time.
        var table = FlightsLike(20_000, 3, unseen: true);
        var delays = ((Pipelines.Data.NumericColumn)table["delay"]).Values.Select((d, i) => i is >= 5_000 and < 6_000 && i % 3 == 0 ? double.NaN : double.IsNaN(d) ? 1 : d).ToArray();
        table = new Pipelines.Data.ColumnarTable([.. table.Columns.Where(c => c.Name != "delay"), new Pipelines.Data.NumericColumn("delay", delays)]);
        var directory = Path.Combine(Path.GetTempPath(), "column-plan-" + Guid.NewGuid().ToString("N"));
        try
        {
            await Pipelines.Data.ColumnarFormat.WriteAsync(table, directory, CancellationToken.None);
            var ml = new MLContext(1);
            var train = new Pipelines.Data.ColumnarDataView(FlightsLike(2_000, 4));
            var graph = new Pipelines.Tests.Transform.FlightsLikePreprocessing().Build(ml, null!).Fit(train);
            var view = new Pipelines.Data.ColumnarDataView(table);
            var featurizer = CompiledFeaturizer.TryCreate(graph, view.Schema, "Features", out var why);
            Assert.True(featurizer is not null, why);
            var layout = LightGbmFeatureLayout.For(graph.GetOutputSchema(view.Schema)["Features"], useCategoricalSplit);
            Assert.Equal(useCategoricalSplit ? 7 : layout.SlotCount, layout.Columns);
            Assert.NotNull(LightGbmColumnPlan.For(featurizer, layout));
            var rule = RawLabelRule.For(view.Schema["delay"], new TrainerOptions { Task = TrainingTask.BinaryClassification, LabelColumn = "delay", PositiveAbove = 15 })!;

            var expected = LightGbmMatrix.Read(graph.Transform(view), "Features", layout, long.MaxValue, CancellationToken.None, rule);
            using var split = Pipelines.Data.ColumnarChunkReader.Open(directory, featurizer.InputColumns);
            var actual = LightGbmMatrix.ReadCompiled(featurizer, split, delays, rule, layout, threads: 2, CancellationToken.None, chunkRows);

            Assert.Equal(20_000 - 333, actual.Rows);
            Assert.Equal(expected.RowLabels.ToArray(), actual.RowLabels.ToArray());
            var (e, a) = (expected.RowValues.ToArray(), actual.RowValues.ToArray());
            var first = Enumerable.Range(0, e.Length).FirstOrDefault(i => !e[i].Equals(a[i]), -1);
            Assert.True(first < 0, $"row {first / Math.Max(1, layout.Columns)}, column {first % Math.Max(1, layout.Columns)}: ML.NET {(first < 0 ? 0 : e[first])}, compiled {(first < 0 ? 0 : a[first])}");
            Assert.Contains(a, v => v == (useCategoricalSplit ? -1 : 1));
            Assert.Contains(a, float.IsNaN);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static IDataView OneHotFeatures()
    {
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromEnumerable(new[]
        {
            new ColourRow { X = 1, Colour = "red", Y = 2 },
            new ColourRow { X = 2, Colour = "green", Y = 3 },
            new ColourRow { X = 3, Colour = "blue", Y = 4 },
        });
        return ml.Transforms.Categorical.OneHotEncoding("colour_onehot", nameof(ColourRow.Colour))
            .Append(ml.Transforms.Concatenate("Features", nameof(ColourRow.X), "colour_onehot", nameof(ColourRow.Y)))
            .Fit(data)
            .Transform(data);
    }

    private sealed class VectorRow
    {
        public VBuffer<float> Features { get; set; }

        public float Label { get; set; }
    }

    private sealed class ColourRow
    {
        public float X { get; set; }

        public string Colour { get; set; } = "";

        public float Y { get; set; }
    }
}
