using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Pipelines.Tests.Modeling;

/// <summary>
/// <see cref="CompiledTreeEnsemble"/> scores with <see cref="QuickScorer"/>; its scores must be bit-identical to walking the
/// trees, for numeric splits (negative values, values on a threshold), categorical splits (rows with no, one or several
/// slots of a block on) and every running sum.
/// </summary>
public sealed class QuickScorerTests
{
    private const int Numeric = 4;
    private const int Categories = 40;
    private const int FeatureCount = Numeric + Categories;

    [Fact]
    public void Evaluate_LightGbmWithCategoricalSplits_EqualsTheTreeWalkOnEveryRow()
    {
        var ensemble = Train(ml => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            NumberOfIterations = 60, NumberOfLeaves = 31, MinimumExampleCountPerLeaf = 5, UseCategoricalSplit = true, NumberOfThreads = 1, Seed = 1,
        }), binaryLabel: true);

        AssertSameAsWalk(ensemble, expectQuick: true);
        var layout = CompiledTreeEnsemble.TryCreate(ensemble, FeatureCount)!.Quick!.Layout;
        Assert.True(layout is { TableFeatures: > 0, ScannedFeatures: > 0, TableSlots: > 0, ListedSlots: > 0 }, $"Both ways for both kinds of split: {layout}");
    }

    [Fact]
    public void Evaluate_FastTreeRegression_EqualsTheTreeWalkOnEveryRow()
    {
        var ensemble = Train(ml => ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            NumberOfTrees = 40, NumberOfLeaves = 20, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1,
        }), binaryLabel: false);

        AssertSameAsWalk(ensemble, expectQuick: true);
    }

    [Fact]
    public void Evaluate_TreesWithMoreThan64Leaves_WalkTheTrees()
    {
        var ensemble = Train(ml => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
        {
            NumberOfIterations = 5, NumberOfLeaves = 100, MinimumExampleCountPerLeaf = 2, NumberOfThreads = 1, Seed = 1,
        }), binaryLabel: false);

        Assert.Contains(ensemble.Trees, t => t.NumberOfLeaves > QuickScorer.MaxLeaves);
        AssertSameAsWalk(ensemble, expectQuick: false);
    }

    private static void AssertSameAsWalk(RegressionTreeEnsemble ensemble, bool expectQuick)
    {
        var trees = CompiledTreeEnsemble.TryCreate(ensemble, FeatureCount)!;
        Assert.Equal(expectQuick, trees.UsesQuickScorer);
        var random = new Random(7);
        var running = new double[trees.TreeCount];
        float[] thresholds = [.. ensemble.Trees.SelectMany(t => t.NumericalSplitThresholds)];
        Assert.NotEmpty(thresholds);
        for (var row = 0; row < 3_000; row++)
        {
            var features = Row(random, hot: row % 4, row % 5 == 0 ? thresholds : null);
            int[] positive = [.. Enumerable.Range(0, FeatureCount).Where(i => features[i] > 0f)];
            var walked = trees.EvaluateByWalk(features, positive);
            Assert.Equal(walked, trees.Evaluate(features, positive));
            trees.EvaluateRunning(features, positive, running);
            Assert.Equal(walked, running[^1]);
        }
    }

    /// <summary>A feature row: numbers in [−12, 12), or taken from <paramref name="thresholds"/> (exactly on a split), and
    /// <paramref name="hot"/> category slots on (0: none; 2 and 3: several of one block, one of them at 0.5).</summary>
    private static float[] Row(Random random, int hot, float[]? thresholds)
    {
        var features = new float[FeatureCount];
        for (var i = 0; i < Numeric; i++)
        {
            features[i] = thresholds is not null ? thresholds[random.Next(thresholds.Length)]
                : i == Numeric - 1 ? random.Next(2)
                : (float)((random.NextDouble() * 24) - 12);
        }

        for (var k = 0; k < hot; k++)
        {
            features[Numeric + random.Next(Categories)] = k == 1 ? 0.5f : 1f;
        }

        return features;
    }

    private static RegressionTreeEnsemble Train(Func<MLContext, IEstimator<ITransformer>> trainer, bool binaryLabel)
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(3);
        var rows = Enumerable.Range(0, 4_000).Select(_ =>
        {
            var numbers = new float[Numeric];
            for (var i = 0; i < Numeric - 1; i++)
            {
                numbers[i] = (float)((random.NextDouble() * 20) - 10);
            }

            // The last feature is set in 2 % of rows: few splits read it, so it is scanned split by split while the others get
            // interval tables.
            numbers[^1] = random.NextDouble() < 0.02 ? 1 : 0;
            var category = random.Next(Categories);
            var y = numbers[0] + (0.5f * numbers[1] * numbers[2]) + ((category % 7) - 3) + (2 * numbers[^1]) + (float)random.NextDouble();
            return new Example { Numbers = numbers, Category = $"c{category:00}", Label = binaryLabel ? (y > 0 ? 1 : 0) : y };
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);

        // One-hot encoded (slots after the numbers), so LightGBM sees a categorical block it can split as one.
        var features = ml.Transforms.Categorical.OneHotEncoding("CategoryOneHot", nameof(Example.Category))
            .Append(ml.Transforms.Concatenate("Features", nameof(Example.Numbers), "CategoryOneHot"));
        IEstimator<ITransformer> chain = binaryLabel
            ? features.Append(ml.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.Boolean)).Append(trainer(ml))
            : features.Append(trainer(ml));
        var fitted = chain.Fit(data);
        var model = fitted is IEnumerable<ITransformer> parts ? parts.Last() : fitted;
        return model switch
        {
            BinaryPredictionTransformer<Microsoft.ML.Calibrators.CalibratedModelParametersBase<LightGbmBinaryModelParameters, Microsoft.ML.Calibrators.PlattCalibrator>> b => b.Model.SubModel.TrainedTreeEnsemble,
            RegressionPredictionTransformer<FastTreeRegressionModelParameters> f => f.Model.TrainedTreeEnsemble,
            RegressionPredictionTransformer<LightGbmRegressionModelParameters> l => l.Model.TrainedTreeEnsemble,
            _ => throw new InvalidOperationException($"Unexpected model {model.GetType()}."),
        };
    }

    private sealed class Example
    {
        [VectorType(Numeric)]
        public float[] Numbers { get; set; } = [];

        public string Category { get; set; } = "";

        public float Label { get; set; }
    }
}
