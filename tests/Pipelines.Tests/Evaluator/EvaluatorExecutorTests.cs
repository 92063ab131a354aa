using Microsoft.ML;
using Pipelines.Components;
using Pipelines.Data;
using static Pipelines.Tests.Evaluator.EvaluatorTestData;

namespace Pipelines.Tests.Evaluator;

public sealed class EvaluatorExecutorTests : IDisposable
{
    private const string Multiclass = "MulticlassClassification";
    private readonly EvaluatorHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task ExecuteAsync_PenguinMulticlass_WritesEvaluationAndBlessing()
    {
        var (examples, model, _) = await PenguinsAsync();
        var options = new EvaluatorOptions
        {
            SliceColumns = ["island"],
            Thresholds = [new MetricThreshold(MetricNames.Accuracy, Lower: 0.9)],
        };

        var (context, evaluationArtifact, blessingArtifact) = await _harness.RunAsync(examples, model, null, options);

        var evaluation = await EvaluationResult.LoadAsync(evaluationArtifact, CancellationToken.None);
        Assert.Equal((EvaluationTask.MulticlassClassification, "species", "eval", 1L, (long?)null, 90),
            (evaluation.Task, evaluation.LabelColumn, evaluation.EvalSplit, evaluation.ModelId, evaluation.BaselineModelId, evaluation.RowCount));
        var overall = evaluation.Overall;
        Assert.Equal(("overall", 90L), (overall.Name, overall.ExampleCount));
        Assert.True(overall.Candidate.Get(MetricNames.MicroAccuracy) >= 0.9, $"accuracy {overall.Candidate.Get(MetricNames.MicroAccuracy)}");
        Assert.Null(overall.Baseline);
        Assert.Equal(Species, overall.Candidate.ConfusionMatrix!.Classes);
        Assert.Equal(90, overall.Candidate.ConfusionMatrix.Counts.Sum(r => r.Sum()));
        Assert.Equal(Species, overall.Candidate.Classes!.Select(c => c.Class));
        Assert.Equal([30L, 30, 30], overall.Candidate.Classes!.Select(c => c.Support));
        Assert.NotNull(overall.Candidate.Get("Recall[Gentoo]"));

        // Slices: one per island, with counts; Torgersen (every sixth Adelie) is below MinSliceSize.
        Assert.Equal(["overall", "island=Biscoe", "island=Dream", "island=Torgersen"], evaluation.Slices.Select(s => s.Name));
        Assert.Equal(90, evaluation.Slices.Skip(1).Sum(s => s.ExampleCount));
        Assert.Equal(5, evaluation.FindSlice("island=Torgersen")!.ExampleCount);
        var small = Assert.Single(evaluation.Warnings, w => w.Kind == EvaluationWarningKind.SmallSlice);
        Assert.Equal("island=Torgersen", small.Slice);

        // Blessing.
        Assert.True(evaluation.Blessing.Blessed);
        Assert.True(File.Exists(Path.Combine(blessingArtifact.Uri, "BLESSED")));
        Assert.False(File.Exists(Path.Combine(blessingArtifact.Uri, "NOT_BLESSED")));
        var blessing = context.OutputProperties("blessing");
        Assert.Equal(1, blessing["blessed"].GetInt32());
        Assert.Equal(1, blessing["model_id"].GetInt64());
        Assert.False(blessing.ContainsKey("baseline_model_id"));

        // Explainability: the two measurements matter, the island a little; gains are read from the one-versus-all LightGBM.
        var permutation = evaluation.FeatureImportance!.Permutation!;
        Assert.Equal((MetricNames.LogLoss, 90, 3), (permutation.Metric, permutation.Rows, permutation.Repeats));
        Assert.Equal(["bill_length_mm", "flipper_length_mm", "island"], permutation.Features.Select(f => f.Column).Order());
        Assert.True(permutation.Features[0].Importance > 0.1, $"top importance {permutation.Features[0].Importance}");
        Assert.Contains(permutation.Features[0].Column, new[] { "bill_length_mm", "flipper_length_mm" });
        var gain = evaluation.FeatureImportance.Gain;
        Assert.True(gain.Available, gain.Reason);
        Assert.Contains(gain.Features, f => f.Feature == "bill_length_mm_f" && f.Gain > 0);
        Assert.Equal(1, gain.Features.Sum(f => f.Share), 6);
        var contributions = evaluation.Contributions!;
        Assert.Equal(("occlusion", 5), (contributions.Method, contributions.Rows.Count));
        Assert.All(contributions.Rows, r => Assert.Equal(3, r.Contributions.Count));
        Assert.Contains(_harness.Log, l => l.Contains("BLESSED", StringComparison.Ordinal) && l.Contains("MicroAccuracy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_PenguinMulticlass_OverallMetricsMatchMlNetEvaluator()
    {
        var (examples, model, _) = await PenguinsAsync();

        var (_, evaluationArtifact, _) = await _harness.RunAsync(examples, model, null, new EvaluatorOptions { ExplainMaxRows = 0 });

        var evaluation = await EvaluationResult.LoadAsync(evaluationArtifact, CancellationToken.None);
        var ml = _harness.Ml;
        var loaded = ml.Model.Load(Path.Combine(model.Uri, "model.zip"), out _);
        var eval = await ColumnarFormat.ReadAsync(examples.SplitUri("eval"), CancellationToken.None);
        var expected = ml.MulticlassClassification.Evaluate(loaded.Transform(new ColumnarDataView(eval)));
        Assert.Equal(expected.MicroAccuracy, evaluation.Overall.Candidate.Get(MetricNames.MicroAccuracy)!.Value, 6);
        Assert.Equal(expected.MacroAccuracy, evaluation.Overall.Candidate.Get(MetricNames.MacroAccuracy)!.Value, 6);
        Assert.Equal(expected.LogLoss, evaluation.Overall.Candidate.Get(MetricNames.LogLoss)!.Value, 4);
        Assert.Null(evaluation.FeatureImportance);
    }

    [Fact]
    public async Task ExecuteAsync_NoThreshold_NotBlessedAndTheMarkerSaysWhy()
    {
        var (examples, model, _) = await PenguinsAsync();

        var (context, evaluationArtifact, blessingArtifact) = await _harness.RunAsync(examples, model, null, new EvaluatorOptions { ExplainMaxRows = 0 });

        var marker = await File.ReadAllTextAsync(Path.Combine(blessingArtifact.Uri, "NOT_BLESSED"));
        Assert.StartsWith("NOT BLESSED: model 1 (MulticlassClassification, split 'eval', no baseline model)", marker, StringComparison.Ordinal);
        Assert.Contains("No threshold is configured, so the model is not blessed", marker, StringComparison.Ordinal);
        Assert.Equal(0, context.OutputProperties("blessing")["blessed"].GetInt32());
        Assert.False((await EvaluationResult.LoadAsync(evaluationArtifact, CancellationToken.None)).Blessing.Blessed);
    }

    [Fact]
    public async Task ExecuteAsync_CandidateWorseThanBaseline_NotBlessedWithBothValuesSideBySide()
    {
        var (examples, good, train) = await PenguinsAsync();
        var weak = _harness.SaveModel(TrainMulticlass(_harness.Ml, new ColumnarDataView(train), "flipper_length_mm"), train, 2, Multiclass, "species");
        var options = new EvaluatorOptions
        {
            SliceColumns = ["island"],
            Thresholds = [new MetricThreshold(MetricNames.Accuracy, Lower: 0.5)],
            ChangeThresholds = [new ChangeThreshold(MetricNames.Accuracy, ChangeDirection.HigherIsBetter, MaxAbsoluteDegradation: 0.01)],
            ExplainMaxRows = 0,
        };

        var (context, evaluationArtifact, blessingArtifact) = await _harness.RunAsync(examples, weak, good, options);

        var evaluation = await EvaluationResult.LoadAsync(evaluationArtifact, CancellationToken.None);
        Assert.Equal((2L, (long?)1), (evaluation.ModelId, evaluation.BaselineModelId));
        var candidate = evaluation.Overall.Candidate.Get(MetricNames.MicroAccuracy)!.Value;
        var baseline = evaluation.Overall.Baseline!.Get(MetricNames.MicroAccuracy)!.Value;
        Assert.True(baseline - candidate > 0.01, $"baseline {baseline}, candidate {candidate}");
        Assert.All(evaluation.Slices, s => Assert.NotNull(s.Baseline));
        Assert.False(evaluation.Blessing.Blessed);
        var failure = Assert.Single(evaluation.Blessing.Failures);
        Assert.Equal((ThresholdKind.Change, "MicroAccuracy", "overall", baseline), (failure.Kind, failure.Metric, failure.Slice, failure.BaselineValue!.Value));

        var marker = (await File.ReadAllLinesAsync(Path.Combine(blessingArtifact.Uri, "NOT_BLESSED"))).ToList();
        Assert.Equal("NOT BLESSED: model 2 (MulticlassClassification, split 'eval', baseline model 1)", marker[0]);
        Assert.Contains(marker, l => l.StartsWith("FAILED MicroAccuracy on overall went from ", StringComparison.Ordinal)
            && l.Contains("(baseline model 1)", StringComparison.Ordinal) && l.Contains("beyond the allowed at most 0.01 absolute", StringComparison.Ordinal));
        var properties = context.OutputProperties("blessing");
        Assert.Equal((0, 2L, 1L), (properties["blessed"].GetInt32(), properties["model_id"].GetInt64(), properties["baseline_model_id"].GetInt64()));
    }

    [Fact]
    public async Task ExecuteAsync_BinaryEvalSplitWithSingleClass_AucWarningAndThresholdFailsWithThatReason()
    {
        var train = Binary(300, seed: 1);
        var eval = Binary(60, seed: 2, constantLabel: 0);
        var (examples, model) = await BinaryModelAsync(train, eval);
        var options = new EvaluatorOptions { Thresholds = [new MetricThreshold(MetricNames.Auc, Lower: 0.7)] };

        var (_, evaluationArtifact, blessingArtifact) = await _harness.RunAsync(examples, model, null, options);

        var evaluation = await EvaluationResult.LoadAsync(evaluationArtifact, CancellationToken.None);
        Assert.Null(evaluation.Overall.Candidate.Get(MetricNames.Auc));
        Assert.NotNull(evaluation.Overall.Candidate.Get(MetricNames.Accuracy));
        var warning = Assert.Single(evaluation.Warnings, w => w.Kind == EvaluationWarningKind.MetricUndefined && w.Metric == "AUC");
        Assert.Equal("AUC of the candidate model on slice 'overall' is undefined: the slice has a single class: all 60 labels are negative.", warning.Message);
        Assert.False(evaluation.Blessing.Blessed);
        Assert.Contains(warning.Message, Assert.Single(evaluation.Blessing.Failures).Message, StringComparison.Ordinal);
        Assert.Contains(warning.Message, await File.ReadAllTextAsync(Path.Combine(blessingArtifact.Uri, "NOT_BLESSED")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_SameSeedTwice_GivesIdenticalPermutationImportances()
    {
        // The permuted samples are scored in parallel; the permutations, hence the importances, depend on the seed alone.
        var train = Binary(400, seed: 1);
        var eval = Binary(3_000, seed: 2);
        var (examples, model) = await BinaryModelAsync(train, eval);
        var options = new EvaluatorOptions { PermutationRepeats = 4, ContributionRows = 0 };

        var (_, first, _) = await _harness.RunAsync(examples, model, null, options);
        var (_, second, _) = await _harness.RunAsync(examples, model, null, options);

        var a = (await EvaluationResult.LoadAsync(first, CancellationToken.None)).FeatureImportance!.Permutation!;
        var b = (await EvaluationResult.LoadAsync(second, CancellationToken.None)).FeatureImportance!.Permutation!;
        Assert.Equal(2, a.Features.Count);
        Assert.Equal(a.Features.Select(f => (f.Column, f.Importance, f.StdDev)), b.Features.Select(f => (f.Column, f.Importance, f.StdDev)));
        Assert.True(a.Features[0].StdDev > 0, "repeats should differ");
    }

    [Fact]
    public async Task ExecuteAsync_FastForestModel_GainImportanceFromItsQuantileTrees()
    {
        var train = Binary(400, seed: 1);
        var ml = _harness.Ml;
        var forest = ml.Transforms.Expression("Label", "y => y > 0", "y")
            .Append(ml.Transforms.Conversion.ConvertType([new InputOutputColumnPair("x_f", "x"), new InputOutputColumnPair("z_f", "z")], Microsoft.ML.Data.DataKind.Single))
            .Append(ml.Transforms.Concatenate("Features", "x_f", "z_f"))
            .Append(ml.BinaryClassification.Trainers.FastForest(numberOfTrees: 10, numberOfLeaves: 4, minimumExampleCountPerLeaf: 5))
            .Fit(new ColumnarDataView(train));
        var examples = await _harness.ExamplesAsync(train, Binary(200, seed: 2));
        var model = _harness.SaveModel(forest, train, 1, "BinaryClassification", "y");

        var (_, evaluationArtifact, _) = await _harness.RunAsync(examples, model, null, new EvaluatorOptions { ContributionRows = 0 });

        var gain = (await EvaluationResult.LoadAsync(evaluationArtifact, CancellationToken.None)).FeatureImportance!.Gain;
        Assert.True(gain.Available, gain.Reason);
        Assert.Equal("x_f", gain.Features[0].Feature);
        Assert.True(gain.Features[0].Gain > 0);
    }

    [Fact]
    public async Task ExecuteAsync_Binary_MetricsMatchMlNetEvaluator()
    {
        var train = Binary(400, seed: 1);
        var eval = Binary(200, seed: 2);
        var (examples, model) = await BinaryModelAsync(train, eval);

        var (_, evaluationArtifact, _) = await _harness.RunAsync(examples, model, null, new EvaluatorOptions { ContributionRows = 2 });

        var evaluation = await EvaluationResult.LoadAsync(evaluationArtifact, CancellationToken.None);
        var ml = _harness.Ml;
        var scored = ml.Model.Load(Path.Combine(model.Uri, "model.zip"), out _).Transform(new ColumnarDataView(eval));
        var expected = ml.BinaryClassification.Evaluate(scored);
        var actual = evaluation.Overall.Candidate;
        Assert.Equal(expected.AreaUnderRocCurve, actual.Get(MetricNames.Auc)!.Value, 6);
        Assert.Equal(expected.Accuracy, actual.Get(MetricNames.Accuracy)!.Value, 6);
        Assert.Equal(expected.F1Score, actual.Get(MetricNames.F1)!.Value, 6);
        Assert.Equal(expected.PositivePrecision, actual.Get(MetricNames.Precision)!.Value, 6);
        Assert.Equal(expected.PositiveRecall, actual.Get(MetricNames.Recall)!.Value, 6);
        Assert.Equal(expected.LogLoss, actual.Get(MetricNames.LogLoss)!.Value / Math.Log(2), 4);
        Assert.Equal("x", evaluation.FeatureImportance!.Permutation!.Features[0].Column);
        Assert.Equal("x_f", evaluation.FeatureImportance.Gain.Features[0].Feature);
        Assert.Equal(("Probability", 2), (evaluation.Contributions!.Output, evaluation.Contributions.Rows.Count));
    }

    [Fact]
    public async Task ExecuteAsync_BinaryLabelsOneAndTwo_PositiveClassPropertyOfTheModelDecides()
    {
        // Labels 1/2 (2 = positive): without the model's positive_class both would count as positive (> 0).
        var train = ShiftLabel(Binary(300, seed: 1));
        var eval = ShiftLabel(Binary(100, seed: 2));
        var examples = await _harness.ExamplesAsync(train, eval);
        var ml = _harness.Ml;
        var pipeline = ml.Transforms.Expression("Label", "y => y > 1.5", "y")
            .Append(ml.Transforms.Conversion.ConvertType([new Microsoft.ML.InputOutputColumnPair("x_f", "x")], Microsoft.ML.Data.DataKind.Single))
            .Append(ml.Transforms.Concatenate("Features", "x_f"))
            .Append(ml.BinaryClassification.Trainers.FastTree(numberOfLeaves: 4, numberOfTrees: 10, minimumExampleCountPerLeaf: 5));
        var model = _harness.SaveModel(pipeline.Fit(new ColumnarDataView(train)), train, 1, "BinaryClassification", "y");
        var withPositive = (Model)Artifact.Create(typeof(Model), 1, model.Uri,
            Properties(("task", "BinaryClassification"), ("label", "y"), ("positive_class", "2")));

        var (_, evaluationArtifact, _) = await _harness.RunAsync(examples, withPositive, null, new EvaluatorOptions { ExplainMaxRows = 0 });

        var evaluation = await EvaluationResult.LoadAsync(evaluationArtifact, CancellationToken.None);
        Assert.True(evaluation.Overall.Candidate.Get(MetricNames.Auc) > 0.8, $"AUC {evaluation.Overall.Candidate.Get(MetricNames.Auc)}");
        Assert.DoesNotContain(evaluation.Warnings, w => w.Kind == EvaluationWarningKind.MetricUndefined);
    }

    private static ColumnarTable ShiftLabel(ColumnarTable table) =>
        new([table["x"], table["z"], new NumericColumn("y", [.. ((NumericColumn)table["y"]).Values.Select(v => v + 1)])]);

    [Fact]
    public async Task ExecuteAsync_Regression_MetricsMatchMlNetEvaluator()
    {
        var train = Regression(400, seed: 1);
        var eval = Regression(100, seed: 2);
        var examples = await _harness.ExamplesAsync(train, eval);
        var model = _harness.SaveModel(TrainRegression(_harness.Ml, new ColumnarDataView(train)), train, 1, "Regression", "target");
        var options = new EvaluatorOptions { Thresholds = [new MetricThreshold(MetricNames.RSquared, Lower: 0.8), new MetricThreshold(MetricNames.Rmse, Upper: 2)] };

        var (_, evaluationArtifact, _) = await _harness.RunAsync(examples, model, null, options);

        var evaluation = await EvaluationResult.LoadAsync(evaluationArtifact, CancellationToken.None);
        var ml = _harness.Ml;
        var scored = ml.Model.Load(Path.Combine(model.Uri, "model.zip"), out _).Transform(new ColumnarDataView(eval));
        var expected = ml.Regression.Evaluate(scored);
        var actual = evaluation.Overall.Candidate;
        Assert.Equal(expected.RootMeanSquaredError, actual.Get(MetricNames.Rmse)!.Value, 5);
        Assert.Equal(expected.MeanAbsoluteError, actual.Get(MetricNames.Mae)!.Value, 5);
        Assert.Equal(expected.RSquared, actual.Get(MetricNames.RSquared)!.Value, 5);
        Assert.True(evaluation.Blessing.Blessed, string.Join("; ", evaluation.Blessing.Failures.Select(f => f.Message)));
        Assert.Equal("a", evaluation.FeatureImportance!.Permutation!.Features[0].Column);
    }

    [Fact]
    public async Task ExecuteAsync_Ranking_NdcgMatchesMlNetEvaluator()
    {
        var train = Ranking(60, seed: 1);
        var eval = Ranking(20, seed: 2);
        var examples = await _harness.ExamplesAsync(train, eval);
        var model = _harness.SaveModel(TrainRanking(_harness.Ml, new ColumnarDataView(train)), train, 1, "Ranking", "relevance");
        var options = new EvaluatorOptions { GroupColumn = "query", Thresholds = [new MetricThreshold(MetricNames.Ndcg, Lower: 0.5)] };

        var (_, evaluationArtifact, _) = await _harness.RunAsync(examples, model, null, options);

        var evaluation = await EvaluationResult.LoadAsync(evaluationArtifact, CancellationToken.None);
        var ml = _harness.Ml;
        var scored = ml.Model.Load(Path.Combine(model.Uri, "model.zip"), out _).Transform(new ColumnarDataView(eval));
        var expected = ml.Ranking.Evaluate(scored, "Label", "GroupId", "Score");
        Assert.Equal(expected.NormalizedDiscountedCumulativeGains[9], evaluation.Overall.Candidate.Get("NDCG@10")!.Value, 5);
        Assert.Equal("NDCG@10", Assert.Single(evaluation.Blessing.Results).Metric);
        Assert.True(evaluation.Blessing.Blessed, string.Join("; ", evaluation.Blessing.Failures.Select(f => f.Message)));
        Assert.Equal(["r", "noise"], evaluation.FeatureImportance!.Permutation!.Features.Select(f => f.Column));
    }

    [Fact]
    public async Task ExecuteAsync_ModelWithCoreCustomMapping_LoadsAndScores()
    {
        // A chain using Pipelines.Core's DateParts custom mapping loads only with Core's assembly registered (ModelLoader).
        static ColumnarTable Hours(int rows, int seed)
        {
            var random = new Random(seed);
            var ts = new double[rows];
            var target = new double[rows];
            for (var i = 0; i < rows; i++)
            {
                ts[i] = 1_700_000_000 + (random.Next(0, 24 * 30) * 3600.0);
                target[i] = DateTime.UnixEpoch.AddSeconds(ts[i]).Hour;
            }

            return new ColumnarTable([new NumericColumn("ts", ts, ColumnKind.Timestamp), new NumericColumn("target", target)]);
        }

        var train = Hours(300, 1);
        var eval = Hours(50, 2);
        var examples = await _harness.ExamplesAsync(train, eval);
        var ml = _harness.Ml;
        var pipeline = DateParts.Estimator(ml, "ts")
            .Append(ml.Transforms.Conversion.ConvertType("Label", "target", Microsoft.ML.Data.DataKind.Single))
            .Append(ml.Transforms.Concatenate("Features", "ts_hour", "ts_weekday"))
            .Append(ml.Regression.Trainers.FastTree(numberOfLeaves: 8, numberOfTrees: 30, minimumExampleCountPerLeaf: 3));
        var model = _harness.SaveModel(pipeline.Fit(new ColumnarDataView(train)), train, 1, "Regression", "target");

        var (_, evaluationArtifact, _) = await _harness.RunAsync(examples, model, null, new EvaluatorOptions { ContributionRows = 1 });

        var evaluation = await EvaluationResult.LoadAsync(evaluationArtifact, CancellationToken.None);
        Assert.True(evaluation.Overall.Candidate.Get(MetricNames.RSquared) > 0.9, $"R² {evaluation.Overall.Candidate.Get(MetricNames.RSquared)}");
        Assert.Equal("ts", Assert.Single(evaluation.FeatureImportance!.Permutation!.Features).Column);
    }

    [Fact]
    public async Task ExecuteAsync_SameInputsTwice_IdenticalEvaluation()
    {
        var (examples, model, _) = await PenguinsAsync();
        var options = new EvaluatorOptions { SliceColumns = ["island"], Thresholds = [new MetricThreshold(MetricNames.Accuracy, Lower: 0.9)] };

        var (_, first, _) = await _harness.RunAsync(examples, model, null, options);
        var (_, second, _) = await _harness.RunAsync(examples, model, null, options);

        Assert.Equal(
            await File.ReadAllTextAsync(Path.Combine(first.Uri, "evaluation.json")),
            await File.ReadAllTextAsync(Path.Combine(second.Uri, "evaluation.json")));
    }

    [Fact]
    public async Task ExecuteAsync_SliceColumnNotInData_DataValidationErrorNamingIt()
    {
        var (examples, model, _) = await PenguinsAsync();

        var e = await Assert.ThrowsAsync<DataValidationException>(() =>
            _harness.RunAsync(examples, model, null, new EvaluatorOptions { SliceColumns = ["sex"] }));

        Assert.StartsWith("EvaluatorOptions.SliceColumns names column(s) 'sex' that split 'eval' of examples 1 does not have.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_BaselineCannotScoreTheData_WarningAndChangeThresholdFails()
    {
        var (examples, model, _) = await PenguinsAsync();
        var otherTrain = Regression(100, seed: 3);
        var incompatible = _harness.SaveModel(TrainRegression(_harness.Ml, new ColumnarDataView(otherTrain)), otherTrain, 2, Multiclass, "species");
        var options = new EvaluatorOptions
        {
            ChangeThresholds = [new ChangeThreshold(MetricNames.Accuracy, ChangeDirection.HigherIsBetter, MaxAbsoluteDegradation: 0.01)],
            ExplainMaxRows = 0,
        };

        var (_, evaluationArtifact, _) = await _harness.RunAsync(examples, model, incompatible, options);

        var evaluation = await EvaluationResult.LoadAsync(evaluationArtifact, CancellationToken.None);
        Assert.Contains(evaluation.Warnings, w => w.Kind == EvaluationWarningKind.BaselineUnavailable);
        Assert.False(evaluation.Blessing.Blessed);
        Assert.StartsWith("MicroAccuracy on overall cannot be compared with baseline model 2: the baseline model 2 could not be evaluated",
            Assert.Single(evaluation.Blessing.Failures).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluator_UnknownMetricAndBadSlice_DefinitionErrorNamingTheOptions()
    {
        var source = new ModelSource();
        var options = new EvaluatorOptions
        {
            Thresholds = [new MetricThreshold("AUCC", Lower: 0.7), new MetricThreshold("AUC", Lower: 0.9, Upper: 0.8)],
            SliceGapThresholds = [new SliceGapThreshold("Accuracy", "island", 0.05)],
        };

        var e = Assert.Throws<PipelineDefinitionException>(() => new Components.Evaluator(source.Examples, source.Model, options));

        Assert.Contains("Thresholds[0] (AUCC): unknown metric 'AUCC'.", e.Message, StringComparison.Ordinal);
        Assert.Contains("Thresholds[1] (AUC): Lower 0.9 is above Upper 0.8.", e.Message, StringComparison.Ordinal);
        Assert.Contains("SliceGapThresholds[0] (Accuracy, island): 'island' is not in SliceColumns", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_Options_CanonicalJsonForTheFingerprintNamesEveryThreshold()
    {
        var source = new ModelSource();
        var options = new EvaluatorOptions
        {
            Task = EvaluationTask.MulticlassClassification,
            SliceColumns = ["island"],
            Thresholds = [new MetricThreshold(MetricNames.Accuracy, Lower: 0.9)],
            ChangeThresholds = [new ChangeThreshold(MetricNames.Accuracy, ChangeDirection.HigherIsBetter, MaxRelativeDegradation: 0.02)],
        };

        var json = new Components.Evaluator(source.Examples, source.Model, options)
            .Bind(new BindingContext("penguin", new Dictionary<string, string>(), "schemas")).OptionsJson;

        Assert.Contains("\"Task\":\"MulticlassClassification\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Direction\":\"HigherIsBetter\"", json, StringComparison.Ordinal);
        Assert.Contains("\"MaxRelativeDegradation\":0.02", json, StringComparison.Ordinal);
        Assert.DoesNotContain("HasThresholds", json, StringComparison.Ordinal);
    }

    private async Task<(Examples Examples, Model Model, ColumnarTable Train)> PenguinsAsync()
    {
        var train = Penguins(180, seed: 1);
        var eval = Penguins(90, seed: 2);
        var examples = await _harness.ExamplesAsync(train, eval);
        var model = _harness.SaveModel(TrainMulticlass(_harness.Ml, new ColumnarDataView(train)), train, 1, Multiclass, "species");
        return (examples, model, train);
    }

    /// <summary>The train and eval splits as examples, and a binary model trained on <paramref name="train"/> (label 'y').</summary>
    private async Task<(Examples Examples, Model Model)> BinaryModelAsync(ColumnarTable train, ColumnarTable eval) =>
        (await _harness.ExamplesAsync(train, eval), _harness.SaveModel(TrainBinary(_harness.Ml, new ColumnarDataView(train)), train, 1, "BinaryClassification", "y"));
}
