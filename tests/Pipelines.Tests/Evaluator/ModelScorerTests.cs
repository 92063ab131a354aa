using Microsoft.ML;
using Pipelines.Components;
using Pipelines.Data;
using static Pipelines.Tests.Evaluator.EvaluatorTestData;

namespace Pipelines.Tests.Evaluator;

/// <summary>Large tables are scored in parallel chunks; the result must not depend on it.</summary>
public sealed class ModelScorerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scorer-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Score_LargeBinaryTable_ParallelChunksEqualRowByRowSmallTables()
    {
        var ml = new MLContext(seed: 1);
        var train = Binary(2_000, seed: 1);
        var model = SaveModel(ml, TrainBinary(ml, new ColumnarDataView(train)), new ColumnarDataView(train).Schema, _directory, 1, "BinaryClassification", "y");
        var large = Binary(210_000, seed: 2);
        var scorer = ModelScorer.Load(model, new ScoringSpec(EvaluationTask.BinaryClassification, "y", null, null), "candidate");

        var whole = scorer.Score(large);

        // Pieces of 30,000 rows are below the parallel threshold: each is scored on one cursor.
        for (var start = 0; start < large.RowCount; start += 30_000)
        {
            var rows = Enumerable.Range(start, Math.Min(30_000, large.RowCount - start)).ToArray();
            var piece = scorer.Score(large.Gather(rows));
            Assert.Equal(piece.Scores, whole.Scores.AsSpan(start, rows.Length).ToArray());
            Assert.Equal(piece.Probabilities, whole.Probabilities.AsSpan(start, rows.Length).ToArray());
            Assert.Equal(piece.Predicted, whole.Predicted.AsSpan(start, rows.Length).ToArray());
            Assert.Equal(piece.Labels, whole.Labels.AsSpan(start, rows.Length).ToArray());
        }

        Assert.Equal(large.RowCount, whole.Count);
        Assert.True(whole.HasProbability);
    }

    [Fact]
    public void Score_CompiledTreesAndMlNet_SameScoresProbabilitiesAndLabelsIncludingMissingFeatures()
    {
        var ml = new MLContext(seed: 1);
        var train = Binary(2_000, seed: 1);
        var model = SaveModel(ml, TrainBinary(ml, new ColumnarDataView(train)), new ColumnarDataView(train).Schema, _directory, 1, "BinaryClassification", "y");
        var eval = Binary(5_000, seed: 3);
        var x = ((NumericColumn)eval["x"]).Values;
        for (var i = 0; i < x.Length; i += 11)
        {
            x[i] = double.NaN; // these rows go through ML.NET even on the compiled path
        }

        var spec = new ScoringSpec(EvaluationTask.BinaryClassification, "y", null, null);

        var compiledScorer = ModelScorer.Load(model, spec, "candidate", compiledTrees: true);
        var referenceScorer = ModelScorer.Load(model, spec, "candidate", compiledTrees: false);
        Assert.True(compiledScorer.UsesCompiledTrees);
        Assert.False(referenceScorer.UsesCompiledTrees);
        var compiled = compiledScorer.Score(eval);
        var reference = referenceScorer.Score(eval);

        Assert.Equal(reference.Scores, compiled.Scores);
        Assert.Equal(reference.Probabilities, compiled.Probabilities);
        Assert.Equal(reference.Predicted, compiled.Predicted);
        Assert.Equal(reference.Labels, compiled.Labels);
        Assert.Equal(reference.MissingLabels, compiled.MissingLabels);
    }

    [Theory]
    [InlineData("LightGbm")]
    [InlineData("FastTree")]
    public void Score_CompiledFeaturizerAndTrees_EqualTheModelsOwnChainIncludingMissingAndUnseenValues(string trainer)
    {
        var ml = new MLContext(seed: 1);
        var train = Pipelines.Tests.Transform.ModelingTestData.FlightsLike(3_000, 1);
        var view = new ColumnarDataView(train);
        var labeled = ml.Transforms.Expression("Label", "delay => delay > 15", "delay").Fit(view).Transform(view);
        var graph = new Pipelines.Tests.Transform.FlightsLikePreprocessing().Build(ml, null!).Fit(view);
        ITransformer predictor = trainer == "LightGbm"
            ? ml.BinaryClassification.Trainers.LightGbm(new Microsoft.ML.Trainers.LightGbm.LightGbmBinaryTrainer.Options { NumberOfIterations = 20, NumberOfThreads = 1 }).Fit(graph.Transform(labeled))
            : ml.BinaryClassification.Trainers.FastTree(new Microsoft.ML.Trainers.FastTree.FastTreeBinaryTrainer.Options { NumberOfTrees = 20, NumberOfThreads = 1 }).Fit(graph.Transform(labeled));
        var model = SaveModel(ml, new Microsoft.ML.Data.TransformerChain<ITransformer>(graph, predictor), view.Schema, _directory, 1, "BinaryClassification", "delay");
        var eval = Pipelines.Tests.Transform.ModelingTestData.FlightsLike(100_000, 2, unseen: true);
        var spec = new ScoringSpec(EvaluationTask.BinaryClassification, "delay", null, null, PositiveAbove: 15);

        var compiled = ModelScorer.Load(model, spec, "candidate").Score(eval);
        var reference = ModelScorer.Load(model, spec, "candidate", compiledTrees: false).Score(eval);

        Assert.Equal("the compiled featurizer and trees", compiled.ScoredBy);
        Assert.Equal("the model's ML.NET chain", reference.ScoredBy);
        Assert.Equal(reference.Scores, compiled.Scores);
        Assert.Equal(reference.Probabilities, compiled.Probabilities);
        Assert.Equal(reference.Predicted, compiled.Predicted);
        Assert.Equal(reference.Labels, compiled.Labels);
        Assert.Equal(reference.MissingLabels, compiled.MissingLabels);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
