using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Components;
using Pipelines.Data;
using Pipelines.Tests.StatisticsGen;
using Pipelines.Tests.Transform;
using Pipelines.Validation;
using static Pipelines.Tests.StatisticsGen.ValidationTestData;
using static Pipelines.Tests.Trainer.TrainerHarness;
using static Pipelines.Tests.Transform.ModelingTestData;

namespace Pipelines.Tests.Trainer;

public sealed class TrainerTests
{
    private static readonly BindingContext s_binding = new("test", new Dictionary<string, string>(), "/tmp");

    [Fact]
    public void Constructor_Wired_DeclaresPortsWithOptionalHyperParameters()
    {
        var source = new ExamplesSource();
        var transform = new Components.Transform(source.Examples, source.Schema, new TransformOptions { Preprocessing = typeof(TestPreprocessing) });

        var node = new Components.Trainer(transform.Outputs.TransformedExamples, transform.Outputs.TransformGraph, source.Schema,
            new TrainerOptions { Task = TrainingTask.MulticlassClassification });

        Assert.Equal(["transformed_examples", "transform_graph", "schema", "hyperparameters"], node.InputPorts.Select(p => p.Name));
        Assert.False(node.InputPorts[3].Required);
        Assert.Equal("model", node.Outputs.Model.Port);
    }

    [Theory]
    [InlineData(TrainingTask.MulticlassClassification, "FastTree supports BinaryClassification and Regression")]
    [InlineData(TrainingTask.Ranking, "Ranking needs GroupColumn")]
    public void Constructor_InconsistentOptions_ThrowsNamingProblem(TrainingTask task, string problem)
    {
        var source = new ExamplesSource();

        var e = Assert.Throws<ArgumentException>(() => new Components.Trainer(source.Examples, new GraphSource().Graph, source.Schema,
            new TrainerOptions { Task = task, Algorithm = new FastTreeOptions() }));

        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_LightGbmValueOutOfRange_ThrowsNamingOption()
    {
        var source = new ExamplesSource();

        var e = Assert.Throws<ArgumentException>(() => new Components.Trainer(source.Examples, new GraphSource().Graph, source.Schema,
            new TrainerOptions { Task = TrainingTask.Regression, Algorithm = new LightGbmOptions { NumberOfLeaves = 1, FeatureFraction = 1.5 } }));

        Assert.Contains("NumberOfLeaves is 1; it must be at least 2.", e.Message, StringComparison.Ordinal);
        Assert.Contains("FeatureFraction is 1.5; it must be in (0, 1].", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_OptionsJson_HoldsAlgorithmParametersAndCustomModuleIdentity()
    {
        var source = new ExamplesSource();
        var graph = new GraphSource().Graph;

        var lightGbm = new Components.Trainer(source.Examples, graph, source.Schema,
            new TrainerOptions { Task = TrainingTask.Regression, Algorithm = new LightGbmOptions { NumberOfLeaves = 7 } }).Bind(s_binding).OptionsJson;
        var custom = new Components.Trainer(source.Examples, graph, source.Schema,
            new TrainerOptions { Task = TrainingTask.Regression, Algorithm = new CustomTrainerOptions { Module = typeof(SdcaRegressionModule) } }).Bind(s_binding).OptionsJson;

        Assert.Contains("\"algorithm\":\"LightGbm\"", lightGbm, StringComparison.Ordinal);
        Assert.Contains("\"NumberOfLeaves\":7", lightGbm, StringComparison.Ordinal);
        Assert.Contains("\"Task\":\"Regression\"", lightGbm, StringComparison.Ordinal);
        Assert.Contains("\"algorithm\":\"Custom\"", custom, StringComparison.Ordinal);
        Assert.Contains(typeof(SdcaRegressionModule).FullName!, custom, StringComparison.Ordinal);
        Assert.Contains(typeof(SdcaRegressionModule).Assembly.ManifestModule.ModuleVersionId.ToString("N"), custom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_MulticlassLightGbm_IsAccurateAndPredictsOriginalLabelsFromRawRows()
    {
        using var harness = await CreateAsync(Gaussians(300, 1), Gaussians(150, 2), Schema("species", FeatureType.String));

        var (model, log) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.MulticlassClassification,
            Algorithm = new LightGbmOptions { NumberOfIterations = 50, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 2 },
        });

        Assert.Equal("MulticlassClassification", model.GetString("task"));
        Assert.Equal("LightGbm", model.GetString("algorithm"));
        Assert.Equal("species", model.GetString("label"));
        Assert.Equal(300, model.GetInt64("train_rows"));
        Assert.Equal(50, model.GetInt64("iterations"));
        Assert.NotNull(model.GetDouble("train_seconds"));
        Assert.Contains(log, l => l.Contains("Trained LightGbm", StringComparison.Ordinal));
        using var trainingLog = ReadLog(model);
        Assert.True(trainingLog.RootElement.GetProperty("EvalMetrics").GetProperty("MicroAccuracy").GetDouble() >= 0.9);
        Assert.Equal(Species, trainingLog.RootElement.GetProperty("Classes").EnumerateArray().Select(e => e.GetString()));

        // Raw rows without the label: the model applies the transform graph and maps the key back to the species name.
        var scored = Score(model, WithoutColumn(harness.Eval, "species"), out var inputSchema);
        var predicted = scored.GetColumn<ReadOnlyMemory<char>>("PredictedLabel").Select(p => p.ToString()).ToArray();
        var truth = Enumerable.Range(0, harness.Eval.RowCount).Select(i => (string)harness.Eval["species"].GetValue(i)!).ToArray();
        Assert.True(predicted.Zip(truth).Count(p => p.First == p.Second) >= 0.9 * truth.Length);
        Assert.All(predicted, p => Assert.Contains(p, Species));
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        scored.Schema["Score"].GetSlotNames(ref slotNames);
        Assert.Equal(Species, slotNames.DenseValues().Select(v => v.ToString()));
        Assert.Equal(["x1", "x2", "island", "species"], inputSchema.Select(c => c.Name));

        var columns = JsonSerializer.Deserialize<InputColumn[]>(await File.ReadAllTextAsync(Path.Combine(model.Uri, "input_schema.json")))!;
        Assert.Equal(
            [new InputColumn("x1", "numeric", true), new InputColumn("x2", "numeric", true), new InputColumn("island", "text", true), new InputColumn("species", "text", false)],
            columns);
    }

    /// <summary>The Tuner checks its metric against <see cref="TrainingLogMetrics"/> when declared: the list must be what the
    /// training log really holds (LightGBM's C API engine, ML.NET's LightGBM trainer and FastTree; ranking is not pinned here).</summary>
    [Theory]
    [InlineData(TrainingTask.BinaryClassification, "CApi")]
    [InlineData(TrainingTask.MulticlassClassification, "CApi")]
    [InlineData(TrainingTask.Regression, "CApi")]
    [InlineData(TrainingTask.BinaryClassification, "MlNetTrainer")]
    [InlineData(TrainingTask.MulticlassClassification, "MlNetTrainer")]
    [InlineData(TrainingTask.BinaryClassification, "FastTree")]
    [InlineData(TrainingTask.Regression, "FastTree")]
    public async Task ExecuteAsync_TrainingLogEvalMetrics_AreTheNamesTheTunerChecks(TrainingTask task, string algorithm)
    {
        using var harness = task switch
        {
            TrainingTask.BinaryClassification => await CreateAsync(BinaryData(300, 1), BinaryData(100, 2), Schema("label", FeatureType.String)),
            TrainingTask.MulticlassClassification => await CreateAsync(Gaussians(300, 1), Gaussians(100, 2), Schema("species", FeatureType.String)),
            _ => await CreateAsync(RegressionData(300, 1), RegressionData(100, 2), Schema("y", FeatureType.Float)),
        };

        var (model, _) = await harness.TrainAsync(new TrainerOptions
        {
            Task = task,
            Algorithm = algorithm == "FastTree"
                ? new FastTreeOptions { NumberOfTrees = 10, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 2 }
                : new LightGbmOptions { NumberOfIterations = 10, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 2, Engine = Enum.Parse<LightGbmEngine>(algorithm) },
        });

        using var trainingLog = ReadLog(model);
        var names = trainingLog.RootElement.GetProperty("EvalMetrics").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(TrainingLogMetrics.For(task).Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task ExecuteAsync_BinaryFastTreeWithYesNoLabel_PredictsBoolsWithHighAuc()
    {
        using var harness = await CreateAsync(BinaryData(400, 1), BinaryData(200, 2), Schema("label", FeatureType.String));

        var (model, _) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            Algorithm = new FastTreeOptions { NumberOfTrees = 30, NumberOfThreads = 2 },
        });

        Assert.Equal("FastTree", model.GetString("algorithm"));
        Assert.Equal("yes", model.GetString("positive_class"));
        Assert.Equal(30, model.GetInt64("iterations"));
        using var trainingLog = ReadLog(model);
        Assert.True(trainingLog.RootElement.GetProperty("EvalMetrics").GetProperty("AreaUnderRocCurve").GetDouble() > 0.9);
        Assert.Equal(200, trainingLog.RootElement.GetProperty("EvalRows").GetInt64());
        var scored = Score(model, WithoutColumn(harness.Eval, "label"), out _);
        var predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
        var truth = Enumerable.Range(0, harness.Eval.RowCount).Select(i => (string)harness.Eval["label"].GetValue(i)! == "yes").ToArray();
        Assert.True(predicted.Zip(truth).Count(p => p.First == p.Second) >= 0.85 * truth.Length);
        Assert.NotNull(scored.Schema.GetColumnOrNull("Probability"));
    }

    [Fact]
    public async Task ExecuteAsync_RegressionFastTree_FitsTheLinearTarget()
    {
        using var harness = await CreateAsync(RegressionData(500, 1), RegressionData(200, 2), Schema("y", FeatureType.Float));

        var (model, _) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.Regression,
            Algorithm = new FastTreeOptions { NumberOfTrees = 100, NumberOfThreads = 2 },
        });

        using var trainingLog = ReadLog(model);
        Assert.True(trainingLog.RootElement.GetProperty("EvalMetrics").GetProperty("RSquared").GetDouble() > 0.9);
        var scores = Scores(Score(model, WithoutColumn(harness.Eval, "y"), out _));
        Assert.Equal(200, scores.Length);
    }

    [Theory]
    [InlineData(TrainingTask.Regression)]
    [InlineData(TrainingTask.BinaryClassification)]
    public async Task ExecuteAsync_FastTreeEarlyStopping_StopsBeforeTheTreeCountAndKeepsAGoodModel(TrainingTask task)
    {
        using var harness = task == TrainingTask.Regression
            ? await CreateAsync(RegressionData(500, 1), RegressionData(200, 2), Schema("y", FeatureType.Float))
            : await CreateAsync(BinaryData(500, 1), BinaryData(200, 2), Schema("label", FeatureType.String));

        var (model, _) = await harness.TrainAsync(new TrainerOptions
        {
            Task = task,
            Algorithm = new FastTreeOptions { NumberOfTrees = 1000, LearningRate = 0.4, EarlyStoppingRound = 5, NumberOfThreads = 2 },
        });

        using var trainingLog = ReadLog(model);
        var stop = trainingLog.RootElement.GetProperty("EarlyStopping");
        Assert.Equal(JsonValueKind.Object, stop.ValueKind);
        Assert.True(model.GetInt64("iterations") < 1000, $"{model.GetInt64("iterations")} trees kept");
        Assert.Equal(stop.GetProperty("BestIteration").GetInt64(), model.GetInt64("iterations"));
        var replayed = trainingLog.RootElement.GetProperty("EvalMetricPerIteration").GetProperty("Values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(model.GetInt64("iterations"), replayed.Length);
        Assert.Equal(replayed[^1], stop.GetProperty("BestScore").GetDouble());
        var metrics = trainingLog.RootElement.GetProperty("EvalMetrics");
        Assert.True(task == TrainingTask.Regression ? metrics.GetProperty("RSquared").GetDouble() > 0.9 : metrics.GetProperty("AreaUnderRocCurve").GetDouble() > 0.9);
    }

    [Theory]
    [InlineData(TrainingTask.BinaryClassification, "FastTree")]
    [InlineData(TrainingTask.Regression, "FastTree")]
    [InlineData(TrainingTask.BinaryClassification, "MlNetTrainer")]
    [InlineData(TrainingTask.Regression, "MlNetTrainer")]
    public async Task ExecuteAsync_MlNetTrainedGbdt_LogsTheEvalMetricPerIterationEndingAtTheModelsOwn(TrainingTask task, string trainer)
    {
        var binary = task == TrainingTask.BinaryClassification;
        using var harness = binary
            ? await CreateAsync(BinaryData(500, 1), BinaryData(200, 2), Schema("label", FeatureType.String))
            : await CreateAsync(RegressionData(500, 1), RegressionData(200, 2), Schema("y", FeatureType.Float));
        TrainerAlgorithm algorithm = trainer == "FastTree"
            ? new FastTreeOptions { NumberOfTrees = 25, NumberOfThreads = 2 }
            : new LightGbmOptions { NumberOfIterations = 25, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 2, Engine = LightGbmEngine.MlNetTrainer };

        var (model, log) = await harness.TrainAsync(new TrainerOptions { Task = task, Algorithm = algorithm });

        Assert.Contains(log, l => l.Contains("replayed from the trees", StringComparison.Ordinal));
        using var trainingLog = ReadLog(model);
        var root = trainingLog.RootElement;
        var perIteration = root.GetProperty("EvalMetricPerIteration");
        Assert.Equal(binary ? "binary_logloss" : "l2", perIteration.GetProperty("Metric").GetString());
        Assert.Equal(200, perIteration.GetProperty("Rows").GetInt64());
        var values = perIteration.GetProperty("Values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(25, values.Length);
        Assert.True(values[^1] < values[0] * 0.8, $"{perIteration.GetProperty("Metric").GetString()} went from {values[0]} to {values[^1]}");

        // The last iteration is the saved model: ML.NET's evaluator on the same rows gives the same value (log-loss in nats).
        var metrics = root.GetProperty("EvalMetrics");
        var expected = binary ? metrics.GetProperty("LogLoss").GetDouble() : Math.Pow(metrics.GetProperty("RootMeanSquaredError").GetDouble(), 2);
        Assert.InRange(Math.Abs(values[^1] - expected), 0, 1e-4 * Math.Max(1, expected));
    }

    [Theory]
    [InlineData(TrainingTask.Regression, "LightGbm", 500, "compiled")]
    [InlineData(TrainingTask.Regression, "LightGbm", 250_000, "compiled")] // 4 ranges, read by the C API engine on 2 threads
    [InlineData(TrainingTask.Regression, "LightGbm", 250_000, "ranges")] // double features converted in the model: not compiled; 5 ranges of 50,000 rows
    [InlineData(TrainingTask.BinaryClassification, "LightGbm", 500, "cursor")] // a text label: no raw label rule, one cursor
    [InlineData(TrainingTask.BinaryClassification, "FastTree", 500, "cursor")]
    public async Task ExecuteAsync_RawExamplesWithTheGraph_TrainTheSameModelAsTheTransformedExamples(TrainingTask task, string trainer, int rows, string read)
    {
        var binary = task == TrainingTask.BinaryClassification;
        using var harness = binary
            ? await CreateAsync(BinaryData(rows, 1), BinaryData(200, 2), Schema("label", FeatureType.String))
            : await CreateAsync(RegressionData(rows, 1), RegressionData(200, 2), Schema("y", FeatureType.Float), read == "ranges" ? typeof(DoubleFeaturesPreprocessing) : null);
        TrainerAlgorithm algorithm = trainer == "FastTree"
            ? new FastTreeOptions { NumberOfTrees = 20, NumberOfThreads = 2 }
            : new LightGbmOptions { NumberOfIterations = 20, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 2 };
        var options = new TrainerOptions { Task = task, Algorithm = algorithm };

        var (fromTransformed, _) = await harness.TrainAsync(options);
        var (fromRaw, log) = await harness.TrainAsync(options, onRawExamples: true);

        Assert.Contains(log, l => l.Contains($"Examples {harness.Raw.Id} are raw: the transform graph is applied while they are read", StringComparison.Ordinal));
        Assert.Equal(read == "ranges", log.Any(l => l.Contains("the raw train rows through the graph as 5 row ranges on 2 threads", StringComparison.Ordinal)));
        Assert.Equal(read == "compiled" && trainer == "LightGbm", log.Any(l => l.Contains("the raw train and eval rows through the compiled graph on 2 threads", StringComparison.Ordinal)));

        // A large split is first read only in part (its first 65,536 rows and its label) for the compiled graph; the rest is
        // read from disk a chunk at a time through it, or, when the graph does not compile, as a whole before training.
        var probed = rows > 65_536 && task == TrainingTask.Regression;
        Assert.Equal(probed, log.Any(l => l.Contains(" s (of the train split the first 65536 rows and the label column)", StringComparison.Ordinal)));
        Assert.Equal(probed && read == "ranges", log.Any(l => l.StartsWith($"Read the whole raw train split ({rows} rows) for ML.NET's transforms; splits read in ", StringComparison.Ordinal)));
        Assert.Equal(fromTransformed.GetInt64("train_rows"), fromRaw.GetInt64("train_rows"));
        var eval = WithoutColumn(harness.Eval, binary ? "label" : "y");
        Assert.Equal(Scores(Score(fromTransformed, eval, out _)), Scores(Score(fromRaw, eval, out _)));
    }

    [Fact]
    public async Task ExecuteAsync_RawFlightsLikeExamplesThroughTheCompiledGraph_TrainTheSameModelAsTheTransformedExamples()
    {
        // Date parts, one-hot airports with missing and unseen values, a numeric label with PositiveAbove and missing values,
        // 3 row ranges.
        using var harness = await CreateAsync(ModelingTestData.FlightsLike(200_000, 1), ModelingTestData.FlightsLike(2_000, 2, unseen: true),
            new DataSchema([new FeatureSchema("date", FeatureType.Float), new FeatureSchema("distance", FeatureType.Float), new FeatureSchema("origin", FeatureType.String),
                new FeatureSchema("destination", FeatureType.String), new FeatureSchema("delay", FeatureType.Float)], "delay"), typeof(FlightsLikePreprocessing));
        var options = new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            PositiveAbove = 15,
            Algorithm = new LightGbmOptions { NumberOfIterations = 20, UseCategoricalSplit = true, NumberOfThreads = 2 },
        };

        var (fromTransformed, _) = await harness.TrainAsync(options);
        var (fromRaw, log) = await harness.TrainAsync(options, onRawExamples: true);

        Assert.Contains(log, l => l.Contains("The raw train rows go through the graph compiled to array reads", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains(" s (of the train split the first 65536 rows and the label column)", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.StartsWith("Read the whole raw train split", StringComparison.Ordinal));
        // 1 % of the delays are missing: those rows are dropped by both paths.
        var trainRows = fromRaw.GetInt64("train_rows")!.Value;
        Assert.InRange(trainRows, 196_000, 199_000);
        Assert.Contains(log, l => l.Contains($"Read {trainRows} train and ", StringComparison.Ordinal)
            && l.Contains("eval rows into 7 LightGBM columns (85 feature slots, 2 categorical), the raw train and eval rows through the compiled graph", StringComparison.Ordinal));
        Assert.Equal(fromTransformed.GetInt64("train_rows"), trainRows);
        var eval = WithoutColumn(harness.Eval, "delay");
        Assert.Equal(Scores(Score(fromTransformed, eval, out _)), Scores(Score(fromRaw, eval, out _)));
    }

    [Theory]
    [InlineData(false)] // every sampled row has its delay
    [InlineData(true)] // one sampled row misses it: the sample then scores 299 rows
    public async Task ExecuteAsync_RawExamples_ReadOnlyAUniformSampleOfTheEvalSplitTheSameRowsAsFromTransformedExamples(bool missingLabelInSample)
    {
        var eval = ModelingTestData.FlightsLike(2_000, 2, unseen: true);
        var sample = RowSample.Choose(2_000, 300, RowSample.EvalSeed);
        var delays = ((NumericColumn)eval["delay"]).Values.Select(d => double.IsNaN(d) ? 20 : d).ToArray();
        if (missingLabelInSample)
        {
            delays[sample[150]] = double.NaN;
        }

        eval = new ColumnarTable([.. eval.Columns.Where(c => c.Name != "delay"), Numeric("delay", delays)]);
        using var harness = await CreateAsync(ModelingTestData.FlightsLike(5_000, 1), eval,
            new DataSchema([new FeatureSchema("date", FeatureType.Float), new FeatureSchema("distance", FeatureType.Float), new FeatureSchema("origin", FeatureType.String),
                new FeatureSchema("destination", FeatureType.String), new FeatureSchema("delay", FeatureType.Float)], "delay"), typeof(FlightsLikePreprocessing));
        var options = new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            PositiveAbove = 15,
            TrainingLogEvalRows = 300,
            Algorithm = new LightGbmOptions { NumberOfIterations = 10, UseCategoricalSplit = true, NumberOfThreads = 2 },
        };

        var (fromTransformed, _) = await harness.TrainAsync(options);
        var (fromRaw, log) = await harness.TrainAsync(options, onRawExamples: true);

        var scored = missingLabelInSample ? 299 : 300;
        Assert.Contains(log, l => l.Contains(" s (of the eval split a uniform sample of 300 of 2000 rows) beside loading the graph", StringComparison.Ordinal));
        // The eval rows (unseen airports included) go through the compiled graph too, checked against ML.NET on their own.
        Assert.Contains(log, l => l.Contains($"train and {scored} eval rows into 7 LightGBM columns", StringComparison.Ordinal)
            && l.Contains("the raw train and eval rows through the compiled graph", StringComparison.Ordinal));
        using var transformedLog = ReadLog(fromTransformed);
        using var rawLog = ReadLog(fromRaw);

        // The same rows and the same model: equal metrics, up to the order in which LightGBM's threads sum a metric (last bits).
        var (expected, actual) = (transformedLog.RootElement.GetProperty("EvalMetricPerIteration"), rawLog.RootElement.GetProperty("EvalMetricPerIteration"));
        Assert.Equal(scored, actual.GetProperty("Rows").GetInt64());
        Assert.Equal(expected.GetProperty("Rows").GetInt64(), actual.GetProperty("Rows").GetInt64());
        AssertClose([.. expected.GetProperty("Values").EnumerateArray().Select(v => v.GetDouble())], [.. actual.GetProperty("Values").EnumerateArray().Select(v => v.GetDouble())]);
        var expectedMetrics = transformedLog.RootElement.GetProperty("EvalMetrics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        var actualMetrics = rawLog.RootElement.GetProperty("EvalMetrics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(expectedMetrics.Keys.Order(), actualMetrics.Keys.Order());
        AssertClose([.. expectedMetrics.OrderBy(m => m.Key).Select(m => m.Value)], [.. actualMetrics.OrderBy(m => m.Key).Select(m => m.Value)]);

        static void AssertClose(double[] expected, double[] actual)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"value {i}: {expected[i]:R} vs {actual[i]:R}");
            }
        }
    }

    [Theory]
    [InlineData("CApi", false)]
    [InlineData("CApi", true)]
    [InlineData("MlNetTrainer", false)]
    [InlineData("MlNetTrainer", true)]
    [InlineData("FastTree", true)]
    public async Task ExecuteAsync_EvalSplitSortedByLabel_TrainingLogScoresAUniformSampleNotItsFirstRows(string engine, bool onRawExamples)
    {
        // ExampleGen keeps a file's order inside a split: here every negative row comes first, as a time-sorted file puts one
        // season first. Its first 200 rows are one class, on which no AUC can be computed.
        var unsorted = BinaryData(2_000, 2);
        var labels = (TextColumn)unsorted["label"];
        var eval = unsorted.Gather([.. Enumerable.Range(0, unsorted.RowCount).OrderBy(i => labels[i] == "yes")]);
        using var harness = await CreateAsync(BinaryData(500, 1), eval, Schema("label", FeatureType.String));
        TrainerAlgorithm algorithm = engine == "FastTree"
            ? new FastTreeOptions { NumberOfTrees = 10, EarlyStoppingRound = 3 }
            : new LightGbmOptions { NumberOfIterations = 10, EarlyStoppingRound = 3, Engine = Enum.Parse<LightGbmEngine>(engine) };

        var (model, log) = await harness.TrainAsync(
            new TrainerOptions { Task = TrainingTask.BinaryClassification, TrainingLogEvalRows = 200, Algorithm = algorithm }, onRawExamples: onRawExamples);

        using var document = ReadLog(model);
        var metrics = document.RootElement.GetProperty("EvalMetrics");
        Assert.Equal(200, document.RootElement.GetProperty("EvalRows").GetInt64());
        Assert.True(metrics.TryGetProperty("AreaUnderRocCurve", out var auc), metrics.ToString());
        Assert.InRange(auc.GetDouble(), 0.8, 1);
        Assert.Empty(document.RootElement.GetProperty("Warnings").EnumerateArray());
        Assert.Contains(log, l => l.Contains("a uniform sample of 200 of", StringComparison.Ordinal) && l.Contains(" 2000 rows", StringComparison.Ordinal));
        // The per-iteration curve is on the same 200 rows (recorded by the C API engine, replayed for ML.NET's trainers).
        var curve = document.RootElement.GetProperty("EvalMetricPerIteration");
        Assert.Equal(200, curve.GetProperty("Rows").GetInt64());
    }

    [Fact]
    public async Task GainImportance_OfACategoricalLightGbmModel_SumsLightGbmsSplitGainsPerColumnCategoricalBlocksIncluded()
    {
        using var harness = await CreateAsync(ModelingTestData.FlightsLike(5_000, 1), ModelingTestData.FlightsLike(500, 2),
            new DataSchema([new FeatureSchema("date", FeatureType.Float), new FeatureSchema("distance", FeatureType.Float), new FeatureSchema("origin", FeatureType.String),
                new FeatureSchema("destination", FeatureType.String), new FeatureSchema("delay", FeatureType.Float)], "delay"), typeof(FlightsLikePreprocessing));
        var (model, _) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            PositiveAbove = 15,
            Algorithm = new LightGbmOptions { NumberOfIterations = 20, UseCategoricalSplit = true, NumberOfThreads = 2 },
        });

        // The reference: LightGBM's own model text, split_gain summed per split_feature (one LightGBM column each).
        using var log = ReadLog(model);
        var columns = log.RootElement.GetProperty("LightGbmColumns").Deserialize<List<LightGbmColumn>>()!;
        var expected = new double[columns.Count];
        var text = await File.ReadAllLinesAsync(Path.Combine(model.Uri, Pipelines.Components.Trainer.LightGbmModelFileName));
        foreach (var (features, gains) in text.Where(l => l.StartsWith("split_feature=", StringComparison.Ordinal))
            .Zip(text.Where(l => l.StartsWith("split_gain=", StringComparison.Ordinal))))
        {
            foreach (var (feature, splitGain) in features["split_feature=".Length..].Split(' ').Zip(gains["split_gain=".Length..].Split(' ')))
            {
                expected[int.Parse(feature, System.Globalization.CultureInfo.InvariantCulture)] += double.Parse(splitGain, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var gain = Explainer.Gain(ModelScorer.Load(model, new ScoringSpec(EvaluationTask.BinaryClassification, "delay", null, null, PositiveAbove: 15), "candidate"));

        Assert.True(gain.Available, gain.Reason);
        var categorical = columns.Where(c => c.Categorical).ToList();
        Assert.Equal(2, categorical.Count);
        Assert.All(categorical, c => Assert.True(expected[columns.IndexOf(c)] > 0, $"{c.Name} is never split on: the test needs it to be"));
        var byName = gain.Features.ToDictionary(f => f.Feature);
        for (var c = 0; c < columns.Count; c++)
        {
            var name = columns[c].Name;
            if (expected[c] == 0)
            {
                Assert.False(byName.ContainsKey(name), $"{name} is never split on, yet has a gain");
                continue;
            }

            Assert.True(byName.TryGetValue(name, out var actual), $"no gain for {name}: {string.Join(", ", byName.Keys)}");
            Assert.Equal(expected[c], actual!.Gain, expected[c] * 1e-6);
            Assert.Equal(columns[c].Categorical ? columns[c].Slots : 1, actual.Slots);
        }

        Assert.Equal(1, gain.Features.Sum(f => f.Share), 9);
    }

    [Fact]
    public async Task ExecuteAsync_PreprocessingWithACustomMappingOutsideTheEntryAssembly_GivesAModelTheEvaluatorLoads()
    {
        // The test host is the entry assembly here, so only the model's preprocessing.json leads the scorer to this assembly.
        using var harness = await CreateAsync(BinaryData(300, 1), BinaryData(100, 2), Schema("label", FeatureType.String), typeof(CustomMappingPreprocessing));
        var (model, _) = await harness.TrainAsync(new TrainerOptions { Task = TrainingTask.BinaryClassification, Algorithm = new LightGbmOptions { NumberOfIterations = 5 } });

        Assert.True(File.Exists(Path.Combine(model.Uri, ModelLoader.PreprocessingFileName)));
        var scorer = ModelScorer.Load(model, new ScoringSpec(EvaluationTask.BinaryClassification, "label", null, null, null), "candidate");
        var predictions = scorer.Score(harness.Eval);
        Assert.Equal(100, predictions.Count);
        Assert.Equal(Scores(Score(model, harness.Eval, out _)), predictions.Scores.Select(s => (float)s));
    }

    [Fact]
    public async Task ExecuteAsync_HashingBucketingNormalizingAndTextPreprocessing_SavedModelScoresRawRowsAsThePipelinesTransformedRows()
    {
        static ColumnarTable Rows(int rows, int seed)
        {
            var random = new Random(seed);
            string[] islands = ["Biscoe", "Dream", "Torgersen"];
            string[] words = ["calm", "windy", "rocky", "sandy", "cold", "late"];
            var x1 = new double[rows];
            var x2 = new double[rows];
            var island = new string?[rows];
            var note = new string?[rows];
            var label = new string?[rows];
            for (var i = 0; i < rows; i++)
            {
                x1[i] = random.NextDouble() * 10;
                x2[i] = (random.NextDouble() * 50) + 100;
                island[i] = islands[random.Next(3)];
                note[i] = $"{words[random.Next(6)]} {words[random.Next(6)]}";
                // Positive when at least two of: x1 above 5 (a bin), Dream (a hash), a windy note (a text feature).
                var votes = (x1[i] > 5 ? 1 : 0) + (island[i] == "Dream" ? 1 : 0) + (note[i]!.Contains("windy", StringComparison.Ordinal) ? 1 : 0);
                var positive = votes >= 2;
                label[i] = positive ^ (random.NextDouble() < 0.05) ? "yes" : "no";
            }

            return Table(Numeric("x1", x1), Numeric("x2", x2), Text("island", island), Text("note", note), Text("label", label));
        }

        var schema = new DataSchema([new FeatureSchema("x1", FeatureType.Float), new FeatureSchema("x2", FeatureType.Float), new FeatureSchema("island", FeatureType.String),
            new FeatureSchema("note", FeatureType.String), new FeatureSchema("label", FeatureType.String)], "label");
        using var harness = await CreateAsync(Rows(600, 1), Rows(200, 2), schema, typeof(HashingBucketingTextPreprocessing));

        var (model, _) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            Algorithm = new LightGbmOptions { NumberOfIterations = 30, MinimumExampleCountPerLeaf = 5 },
        });

        // The pipeline's rows: Transform's transformed eval split through the trained part of the chain (after the graph).
        var ml = new MLContext(0);
        var chain = (TransformerChain<ITransformer>)LoadModel(ml, Path.Combine(model.Uri, "model.zip"), out _);
        var transformedEval = ml.Data.LoadFromBinary(Path.Combine(harness.Transformed.SplitUri("eval"), "data.idv"));
        var pipeline = Scores(new TransformerChain<ITransformer>([.. chain.Skip(1)]).Transform(transformedEval));
        var serving = Scores(Score(model, WithoutColumn(harness.Eval, "label"), out _));

        Assert.Equal(200, serving.Length);
        Assert.Equal(pipeline, serving);
        using var log = ReadLog(model);
        // The features carry the signal through every estimator (chance is 0.5; 30 small trees on 600 rows reach ≈ 0.82).
        Assert.True(log.RootElement.GetProperty("EvalMetrics").GetProperty("AreaUnderRocCurve").GetDouble() > 0.75, log.RootElement.GetProperty("EvalMetrics").ToString());
    }

    [Theory]
    [InlineData("above", "The label 'delay' is never above PositiveAbove = 1000 in split 'train' (")]
    [InlineData("one-text", "The label 'label' is 'yes' in every row with a label of split 'train' (300 rows): every row is one class, and binary classification needs both.")]
    public async Task ExecuteAsync_BinaryLabelOfOneClass_FailsNamingTheLabelInsteadOfTrainingAConstant(string kind, string expected)
    {
        var flights = kind == "above";
        var train = flights ? ModelingTestData.FlightsLike(2_000, 1) : BinaryData(300, 1, _ => "yes");
        using var harness = flights
            ? await CreateAsync(train, ModelingTestData.FlightsLike(200, 2),
                new DataSchema([new FeatureSchema("date", FeatureType.Float), new FeatureSchema("distance", FeatureType.Float), new FeatureSchema("origin", FeatureType.String),
                    new FeatureSchema("destination", FeatureType.String), new FeatureSchema("delay", FeatureType.Float)], "delay"), typeof(FlightsLikePreprocessing))
            : await CreateAsync(train, BinaryData(100, 2), Schema("label", FeatureType.String));
        var options = new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            PositiveAbove = flights ? 1000 : null,
            Algorithm = new LightGbmOptions { NumberOfIterations = 5 },
        };

        foreach (var raw in flights ? new[] { false, true } : [false])
        {
            var e = await Assert.ThrowsAsync<DataValidationException>(() => harness.TrainAsync(options, onRawExamples: raw));
            Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(true, "The label 'label' is 'true' in every row with a label of split 'train' (50 rows)")]
    [InlineData(false, null)]
    public void LabelPreparation_BoolLabelWithAKnownRowCount_RefusesOneClassAndKeepsTwo(bool oneClass, string? expected)
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 50).Select(i => new BoolRow { Label = oneClass || i % 7 == 3, X = i }).ToList();
        var view = ml.Data.LoadFromEnumerable(rows);
        Assert.Equal(50, view.GetRowCount());
        var options = new TrainerOptions { Task = TrainingTask.BinaryClassification };

        if (expected is null)
        {
            Assert.Equal(2, LabelPreparation.Create(ml, view, "label", options).Scan.DistinctCount);
            return;
        }

        var e = Assert.Throws<DataValidationException>(() => LabelPreparation.Create(ml, view, "label", options));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    private sealed class BoolRow
    {
        [ColumnName("label")]
        public bool Label { get; set; }

        public float X { get; set; }
    }

    [Fact]
    public async Task ExecuteAsync_NoSplitInTheFirstIteration_FailsSayingWhichLimitToLower()
    {
        using var harness = await CreateAsync(BinaryData(30, 1), BinaryData(20, 2), Schema("label", FeatureType.String));

        var e = await Assert.ThrowsAsync<DataValidationException>(() => harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            Algorithm = new LightGbmOptions { NumberOfIterations = 5, MinimumExampleCountPerLeaf = 40 },
        }));

        Assert.StartsWith("LightGBM found no split in its first iteration: with 30 train rows, MinimumExampleCountPerLeaf = 40 and MinimumChildWeight = 0.001, no split of any feature improves the loss", e.Message, StringComparison.Ordinal);
        Assert.Contains("Lower MinimumExampleCountPerLeaf or MinimumChildWeight", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ExamplesThatAreNeitherTransformedNorRaw_ThrowsSayingWhatToWire()
    {
        using var harness = await CreateAsync(BinaryData(100, 1), BinaryData(50, 2), Schema("label", FeatureType.String));
        foreach (var split in harness.Raw.SplitNames)
        {
            File.Delete(Path.Combine(harness.Raw.SplitUri(split), ColumnarFormat.ManifestFileName));
        }

        var e = await Assert.ThrowsAsync<DataValidationException>(() => harness.TrainAsync(
            new TrainerOptions { Task = TrainingTask.BinaryClassification, Algorithm = new LightGbmOptions() }, onRawExamples: true));

        Assert.Contains("is neither transformed examples", e.Message, StringComparison.Ordinal);
        Assert.Contains("or exampleGen.Outputs.Examples with a Transform whose Materialize = false", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_RegressionLightGbmWithDoubleFeaturesAndEarlyStopping_ConvertsFeaturesAndRecordsStop()
    {
        using var harness = await CreateAsync(RegressionData(500, 1), RegressionData(200, 2), Schema("y", FeatureType.Float), typeof(DoubleFeaturesPreprocessing));

        var (model, log) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.Regression,
            Algorithm = new LightGbmOptions { NumberOfIterations = 2000, LearningRate = 0.3, EarlyStoppingRound = 5, NumberOfThreads = 2 },
        });

        Assert.Contains(log, l => l.Contains("to float inside the model", StringComparison.Ordinal));
        using var trainingLog = ReadLog(model);
        var stop = trainingLog.RootElement.GetProperty("EarlyStopping");
        Assert.Equal(JsonValueKind.Object, stop.ValueKind);
        Assert.True(model.GetInt64("iterations") < 2000);
        Assert.Equal(stop.GetProperty("BestIteration").GetInt64(), model.GetInt64("iterations"));
        Assert.True(trainingLog.RootElement.GetProperty("EvalMetrics").GetProperty("RSquared").GetDouble() > 0.9);
        Assert.Equal(200, Scores(Score(model, WithoutColumn(harness.Eval, "y"), out _)).Length);
    }

    [Fact]
    public async Task ExecuteAsync_SameSeedAndThreads_GivesIdenticalScores()
    {
        using var harness = await CreateAsync(Gaussians(300, 1), Gaussians(150, 2), Schema("species", FeatureType.String));
        var options = new TrainerOptions
        {
            Task = TrainingTask.MulticlassClassification,
            Algorithm = new LightGbmOptions { NumberOfIterations = 30, FeatureFraction = 0.7, SubsampleFraction = 0.8, SubsampleFrequency = 1, NumberOfThreads = 2, Seed = 42 },
        };

        var (first, _) = await harness.TrainAsync(options);
        var (second, _) = await harness.TrainAsync(options);
        var (otherSeed, _) = await harness.TrainAsync(options with { Algorithm = ((LightGbmOptions)options.Algorithm) with { Seed = 7 } });

        var raw = WithoutColumn(harness.Eval, "species");
        var a = VectorScores(Score(first, raw, out _));
        var b = VectorScores(Score(second, raw, out _));
        Assert.Equal(a.Length, b.Length);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i]);
        }

        var c = VectorScores(Score(otherSeed, raw, out _));
        Assert.Contains(Enumerable.Range(0, a.Length), i => !a[i].SequenceEqual(c[i]));
    }

    [Fact]
    public async Task ExecuteAsync_FastTreeSameSeedAndThreads_GivesIdenticalScores()
    {
        using var harness = await CreateAsync(BinaryData(300, 1), BinaryData(100, 2), Schema("label", FeatureType.String));
        var options = new TrainerOptions { Task = TrainingTask.BinaryClassification, Algorithm = new FastTreeOptions { NumberOfTrees = 20, FeatureFraction = 0.5, NumberOfThreads = 2 } };

        var (first, _) = await harness.TrainAsync(options);
        var (second, _) = await harness.TrainAsync(options);

        var raw = WithoutColumn(harness.Eval, "label");
        Assert.Equal(Scores(Score(first, raw, out _)), Scores(Score(second, raw, out _)));
    }

    [Fact]
    public async Task ExecuteAsync_HyperParameters_OverrideAlgorithmOptions()
    {
        using var harness = await CreateAsync(Gaussians(150, 1), Gaussians(60, 2), Schema("species", FeatureType.String));

        var (model, log) = await harness.TrainAsync(
            new TrainerOptions { Task = TrainingTask.MulticlassClassification, Algorithm = new LightGbmOptions { NumberOfIterations = 50, NumberOfThreads = 1 } },
            """{"NumberOfIterations": 7, "learningRate": 0.05, "NumberOfLeaves": 4.0}""");

        Assert.Equal(7, model.GetInt64("iterations"));
        using var trainingLog = ReadLog(model);
        var parameters = trainingLog.RootElement.GetProperty("Parameters");
        Assert.Equal(7, parameters.GetProperty("NumberOfIterations").GetInt32());
        Assert.Equal(0.05, parameters.GetProperty("LearningRate").GetDouble());
        Assert.Equal(4, parameters.GetProperty("NumberOfLeaves").GetInt32());
        Assert.Equal(7, trainingLog.RootElement.GetProperty("HyperParameters").GetProperty("NumberOfIterations").GetInt32());
        Assert.Contains(log, l => l.StartsWith("Hyper-parameters applied", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"NumberOfTreez": 7}""", "sets 'NumberOfTreez', which LightGbmOptions does not have. Valid names: ")]
    [InlineData("""{"NumberOfLeaves": "many"}""", "sets 'NumberOfLeaves' to \"many\", but it takes a whole number")]
    [InlineData("""{"NumberOfLeaves": 1}""", "NumberOfLeaves is 1; it must be at least 2.")]
    [InlineData("""[1, 2]""", "expected an object of option name to value")]
    public async Task ExecuteAsync_BadHyperParameters_ThrowsDataValidationException(string json, string message)
    {
        using var harness = await CreateAsync(Gaussians(60, 1), Gaussians(30, 2), Schema("species", FeatureType.String));

        var e = await Assert.ThrowsAsync<DataValidationException>(() => harness.TrainAsync(
            new TrainerOptions { Task = TrainingTask.MulticlassClassification, Algorithm = new LightGbmOptions() }, json));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        if (message.StartsWith("sets 'NumberOfTreez'", StringComparison.Ordinal))
        {
            Assert.Contains("NumberOfIterations", e.Message, StringComparison.Ordinal);
            Assert.Contains("hyperparameters.json", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ExecuteAsync_CustomTrainingModule_IsFittedAndSavedBehindTheGraph()
    {
        using var harness = await CreateAsync(RegressionData(300, 1), RegressionData(100, 2), Schema("y", FeatureType.Float));

        var (model, _) = await harness.TrainAsync(
            new TrainerOptions { Task = TrainingTask.Regression, Algorithm = new CustomTrainerOptions { Module = typeof(SdcaRegressionModule), NumberOfThreads = 1 } },
            """{"l2": 0.01}""");

        Assert.Equal("Custom", model.GetString("algorithm"));
        Assert.Null(model.GetInt64("iterations"));
        using var trainingLog = ReadLog(model);
        Assert.True(trainingLog.RootElement.GetProperty("EvalMetrics").GetProperty("RSquared").GetDouble() > 0.95);
        Assert.Equal(100, Scores(Score(model, WithoutColumn(harness.Eval, "y"), out _)).Length);
        Assert.Equal(0.01, SdcaRegressionModule.LastL2);
    }

    [Fact]
    public async Task ExecuteAsync_FeatureColumnMissing_ThrowsListingColumns()
    {
        using var harness = await CreateAsync(Gaussians(60, 1), Gaussians(30, 2), Schema("species", FeatureType.String));

        var e = await Assert.ThrowsAsync<DataValidationException>(() => harness.TrainAsync(
            new TrainerOptions { Task = TrainingTask.MulticlassClassification, FeatureColumn = "Featurez" }));

        Assert.Contains("The feature column 'Featurez' is not in the transformed 'train' split", e.Message, StringComparison.Ordinal);
        Assert.Contains("Features (Vector<Single, 5>)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_BinaryLabelWithUnknownWords_ThrowsListingValuesUntilPositiveClassIsSet()
    {
        using var harness = await CreateAsync(BinaryData(600, 1, p => p ? "cat" : "dog"), BinaryData(200, 2, p => p ? "cat" : "dog"), Schema("label", FeatureType.String));
        var options = new TrainerOptions { Task = TrainingTask.BinaryClassification, Algorithm = new LightGbmOptions { NumberOfIterations = 100, NumberOfThreads = 1 } };

        var e = await Assert.ThrowsAsync<DataValidationException>(() => harness.TrainAsync(options));
        var (model, _) = await harness.TrainAsync(options with { PositiveClass = "cat" });

        Assert.Contains("The binary label 'label' has the values 'cat', 'dog'; set TrainerOptions.PositiveClass", e.Message, StringComparison.Ordinal);
        Assert.Equal("cat", model.GetString("positive_class"));
        using var trainingLog = ReadLog(model);
        Assert.True(trainingLog.RootElement.GetProperty("EvalMetrics").GetProperty("AreaUnderRocCurve").GetDouble() > 0.9);
        Assert.Equal(["dog", "cat"], trainingLog.RootElement.GetProperty("Classes").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task ExecuteAsync_MissingLabels_AreDroppedFromTraining()
    {
        var train = Gaussians(90, 1);
        var species = (Data.TextColumn)train["species"];
        species.Codes[0] = -1;
        species.Codes[5] = -1;
        var eval = Gaussians(30, 2);
        var evalSpecies = (Data.TextColumn)eval["species"];
        evalSpecies.Codes[1] = -1;
        eval = new([.. eval.Columns.Where(c => c.Name != "species"), Text("species", [.. Enumerable.Range(0, 30).Select(i => i == 2 ? "Emperor" : evalSpecies[i])])]);
        using var harness = await CreateAsync(train, eval, Schema("species", FeatureType.String));

        var (model, log) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.MulticlassClassification,
            Algorithm = new LightGbmOptions { NumberOfIterations = 10, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1 },
        });

        Assert.Equal(88, model.GetInt64("train_rows"));
        Assert.Contains(log, l => l.Contains("Dropped 2 train rows", StringComparison.Ordinal));
        using var trainingLog = ReadLog(model);
        Assert.Equal(28, trainingLog.RootElement.GetProperty("EvalRows").GetInt64()); // missing and unseen ('Emperor') dropped
        Assert.Equal(2, trainingLog.RootElement.GetProperty("DroppedTrainRows").GetInt64());
    }

    [Fact]
    public async Task ExecuteAsync_BinaryNumericLabel_MapsOneToTrue()
    {
        var train = BinaryData(600, 1);
        var eval = BinaryData(200, 2);
        static Data.ColumnarTable Numeric01(Data.ColumnarTable t) => new(
            [.. t.Columns.Where(c => c.Name != "label"), new Data.NumericColumn("label", [.. Enumerable.Range(0, t.RowCount).Select(i => (string)t["label"].GetValue(i)! == "yes" ? 1.0 : 0.0)])]);
        using var harness = await CreateAsync(Numeric01(train), Numeric01(eval), Schema("label", FeatureType.Int));

        var (model, _) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.BinaryClassification,
            Algorithm = new LightGbmOptions { NumberOfIterations = 100, NumberOfThreads = 1 },
        });

        Assert.Equal("1", model.GetString("positive_class"));
        using var trainingLog = ReadLog(model);
        Assert.True(trainingLog.RootElement.GetProperty("EvalMetrics").GetProperty("AreaUnderRocCurve").GetDouble() > 0.9);
    }

    [Fact]
    public async Task ExecuteAsync_RankingLightGbm_ScoresRelevantRowsHigher()
    {
        static Data.ColumnarTable Queries(int groups, int seed, string prefix = "q")
        {
            var random = new Random(seed);
            var rows = groups * 10;
            var x1 = new double[rows];
            var x2 = new double[rows];
            var query = new string?[rows];
            var relevance = new double[rows];
            for (var i = 0; i < rows; i++)
            {
                x1[i] = random.NextDouble() * 4;
                x2[i] = random.NextDouble();
                query[i] = prefix + (i / 10);
                relevance[i] = Math.Min(3, Math.Floor(x1[i] + (0.3 * random.NextDouble())));
            }

            return new([new Data.NumericColumn("x1", x1), new Data.NumericColumn("x2", x2), Text("island", query), new Data.NumericColumn("relevance", relevance)]);
        }

        // The eval queries are not in the train split, as when ExampleGen partitions by the query column.
        using var harness = await CreateAsync(Queries(60, 1), Queries(20, 2, prefix: "e"), Schema("relevance", FeatureType.Int), typeof(DoubleFeaturesPreprocessing));

        var (model, _) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.Ranking,
            GroupColumn = "island",
            Algorithm = new LightGbmOptions { NumberOfIterations = 30, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1 },
        });

        Assert.Equal("Ranking", model.GetString("task"));
        using var trainingLog = ReadLog(model);
        Assert.True(trainingLog.RootElement.GetProperty("EvalMetrics").GetProperty("NDCG@3").GetDouble() > 0.9);

        // The model names its query column, so the Evaluator groups the eval rows without being told again.
        Assert.Equal("island", model.GetString("group"));
        using var evaluator = new Pipelines.Tests.Evaluator.EvaluatorHarness();
        var (_, evaluationArtifact, _) = await evaluator.RunAsync(harness.Raw, model, null, new EvaluatorOptions());
        var evaluation = await EvaluationResult.LoadAsync(evaluationArtifact, CancellationToken.None);
        Assert.True(evaluation.Overall.Candidate.Get("NDCG@10") > 0.9);

        // A smaller eval sample is whole query groups drawn at random: 5 of the 20 groups of 10 rows hold the 45 rows asked for.
        var (sampled, log) = await harness.TrainAsync(new TrainerOptions
        {
            Task = TrainingTask.Ranking,
            GroupColumn = "island",
            TrainingLogEvalRows = 45,
            Algorithm = new LightGbmOptions { NumberOfIterations = 30, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1 },
        });
        Assert.Contains(log, l => l.StartsWith("Eval split 'eval': a uniform sample of 5 of its 20 query groups is used", StringComparison.Ordinal));
        using var sampledLog = ReadLog(sampled);
        Assert.Equal(50, sampledLog.RootElement.GetProperty("EvalMetricPerIteration").GetProperty("Rows").GetInt64());
        Assert.True(sampledLog.RootElement.GetProperty("EvalMetrics").GetProperty("NDCG@3").GetDouble() > 0.8);
    }
}

/// <summary>A stand-in Transform node with a graph output.</summary>
internal sealed class GraphSource : Component<string>
{
    public GraphSource() : base("none", "Transform", SourceLocation.Unknown) => Graph = DeclareOutput<TransformGraph>("transform_graph");

    public Channel<TransformGraph> Graph { get; }

    public override string Version => "0";

    protected override IExecutor<string> CreateExecutor() => throw new NotSupportedException();
}

/// <summary>A custom trainer: SDCA linear regression, reading its L2 from the hyper-parameters.</summary>
public sealed class SdcaRegressionModule : ITrainingModule
{
    public static double? LastL2 { get; private set; }

    public IEstimator<ITransformer> Build(MLContext mlContext, TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(context);
        LastL2 = context.HyperParameters.TryGetValue("l2", out var l2) ? l2.GetDouble() : null;
        return mlContext.Regression.Trainers.Sdca(context.LabelColumn, context.FeatureColumn, l2Regularization: (float?)LastL2);
    }
}
