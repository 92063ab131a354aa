using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Components;

namespace Pipelines.Tests.Evaluator;

public sealed class EvaluationMetricsTests
{
    // Six rows, by hand: positives score 0.9, 0.55, 0.1; negatives 0.6, 0.2, 0.05; predicted positive when >= 0.5.
    private static readonly bool[] s_labels = [true, false, true, false, true, false];
    private static readonly double[] s_probabilities = [0.9, 0.6, 0.55, 0.2, 0.1, 0.05];
    private static readonly bool[] s_predicted = [true, true, true, false, false, false];

    [Fact]
    public void Auc_HandComputed_SixOfNinePairsOrdered() =>
        Assert.Equal(6.0 / 9, EvaluationMetrics.Auc(s_probabilities, s_labels), 12);

    [Fact]
    public void Auc_TiedScores_CountOneHalf() =>
        Assert.Equal(0.5, EvaluationMetrics.Auc([1.0, 1.0], [true, false]));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Auc_SingleClass_NaN(bool label) =>
        Assert.True(double.IsNaN(EvaluationMetrics.Auc([0.2, 0.7, 0.9], [label, label, label])));

    [Fact]
    public void AreaUnderPrecisionRecall_HandComputed_Trapezoids()
    {
        // (recall, precision) after each score: (1/3, 1), (1/3, 1/2), (2/3, 2/3), (2/3, 1/2), (1, 3/5), (1, 1/2).
        var expected = (1.0 / 3) + (1.0 / 3 * ((0.5 + (2.0 / 3)) / 2)) + (1.0 / 3 * ((0.5 + 0.6) / 2));

        Assert.Equal(expected, EvaluationMetrics.AreaUnderPrecisionRecall(s_probabilities, s_labels), 12);
    }

    [Fact]
    public void BinaryLogLoss_HandComputed_NaturalLog()
    {
        var expected = -(Math.Log(0.9) + Math.Log(0.4) + Math.Log(0.55) + Math.Log(0.8) + Math.Log(0.1) + Math.Log(0.95)) / 6;

        Assert.Equal(expected, EvaluationMetrics.BinaryLogLoss(s_probabilities, s_labels), 12);
    }

    [Fact]
    public void BinaryLogLoss_ProbabilityZeroForTrueClass_ClippedNotInfinite() =>
        Assert.Equal(-Math.Log(EvaluationMetrics.ProbabilityEpsilon), EvaluationMetrics.BinaryLogLoss([0.0], [true]), 9);

    [Fact]
    public void CountBinary_HandComputed_AccuracyPrecisionRecallF1()
    {
        var counts = EvaluationMetrics.CountBinary(s_predicted, s_labels);

        Assert.Equal(new BinaryCounts(2, 1, 2, 1), counts);
        Assert.Equal(4.0 / 6, counts.Accuracy, 12);
        Assert.Equal(2.0 / 3, counts.Precision, 12);
        Assert.Equal(2.0 / 3, counts.Recall, 12);
        Assert.Equal(2.0 / 3, counts.F1, 12);
    }

    [Fact]
    public void CountBinary_NothingPredictedPositive_PrecisionAndF1Undefined()
    {
        var counts = EvaluationMetrics.CountBinary([false, false], [true, false]);

        Assert.True(double.IsNaN(counts.Precision));
        Assert.True(double.IsNaN(counts.F1));
        Assert.Equal(0, counts.Recall);
        Assert.Equal(0.5, counts.Accuracy);
    }

    [Fact]
    public void BinaryMetrics_SameRowsAsMlNet_Agree()
    {
        var ml = new MLContext(seed: 1);
        var rows = s_labels.Select((l, i) => new BinaryRow
        {
            Label = l,
            Probability = (float)s_probabilities[i],
            Score = (float)(s_probabilities[i] - 0.5),
            PredictedLabel = s_predicted[i],
        }).ToList();

        var expected = ml.BinaryClassification.Evaluate(ml.Data.LoadFromEnumerable(rows));

        var probabilities = rows.Select(r => (double)r.Probability).ToArray();
        var counts = EvaluationMetrics.CountBinary(s_predicted, s_labels);
        Assert.Equal(expected.AreaUnderRocCurve, EvaluationMetrics.Auc(probabilities, s_labels), 6);
        Assert.Equal(expected.AreaUnderPrecisionRecallCurve, EvaluationMetrics.AreaUnderPrecisionRecall(probabilities, s_labels), 6);
        Assert.Equal(expected.Accuracy, counts.Accuracy, 6);
        Assert.Equal(expected.F1Score, counts.F1, 6);
        Assert.Equal(expected.PositivePrecision, counts.Precision, 6);
        Assert.Equal(expected.PositiveRecall, counts.Recall, 6);

        // ML.NET's binary log-loss is in bits; ours uses the natural log.
        Assert.Equal(expected.LogLoss, EvaluationMetrics.BinaryLogLoss(probabilities, s_labels) / Math.Log(2), 5);
    }

    // Four rows, three classes, by hand: labels 0, 1, 2, 2; predictions 0, 2, 2, 2.
    private static readonly int[] s_classLabels = [0, 1, 2, 2];
    private static readonly int[] s_classPredicted = [0, 2, 2, 2];
    private static readonly double[] s_classScores = [0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.2, 0.6, 0.1, 0.1, 0.8];

    [Fact]
    public void MulticlassMetrics_HandComputed()
    {
        var confusion = EvaluationMetrics.Confusion(s_classPredicted, s_classLabels, 3);

        Assert.Equal([[1L, 0, 0], [0L, 0, 1], [0L, 0, 2]], confusion);
        Assert.Equal(0.75, EvaluationMetrics.MicroAccuracy(confusion), 12);
        Assert.Equal(2.0 / 3, EvaluationMetrics.MacroAccuracy(confusion), 12);
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.3) + Math.Log(0.6) + Math.Log(0.8)) / 4,
            EvaluationMetrics.MulticlassLogLoss(s_classScores, 3, s_classLabels), 12);
        Assert.Equal(1, EvaluationMetrics.ClassPrecision(confusion, 0));
        Assert.True(double.IsNaN(EvaluationMetrics.ClassPrecision(confusion, 1)));
        Assert.Equal(2.0 / 3, EvaluationMetrics.ClassPrecision(confusion, 2), 12);
        Assert.Equal(0, EvaluationMetrics.ClassRecall(confusion, 1));
        Assert.Equal(1, EvaluationMetrics.ClassRecall(confusion, 2));
    }

    [Fact]
    public void MulticlassLogLoss_LabelUnknownToModel_CountsAsProbabilityZero() =>
        Assert.Equal(-Math.Log(EvaluationMetrics.ProbabilityEpsilon), EvaluationMetrics.MulticlassLogLoss([0.5, 0.5], 2, [2]), 9);

    [Fact]
    public void MulticlassMetrics_SameRowsAsMlNet_Agree()
    {
        var ml = new MLContext(seed: 1);
        var rows = s_classLabels.Select((l, i) => new MulticlassRow
        {
            Label = l,
            PredictedLabel = (uint)s_classPredicted[i] + 1,
            Score = [.. s_classScores.Skip(i * 3).Take(3).Select(s => (float)s)],
        }).ToList();

        var expected = ml.MulticlassClassification.Evaluate(ml.Data.LoadFromEnumerable(rows));

        var confusion = EvaluationMetrics.Confusion(s_classPredicted, s_classLabels, 3);
        var scores = rows.SelectMany(r => r.Score.Select(s => (double)s)).ToArray();
        Assert.Equal(expected.MicroAccuracy, EvaluationMetrics.MicroAccuracy(confusion), 6);
        Assert.Equal(expected.MacroAccuracy, EvaluationMetrics.MacroAccuracy(confusion), 6);
        Assert.Equal(expected.LogLoss, EvaluationMetrics.MulticlassLogLoss(scores, 3, s_classLabels), 5);
    }

    [Fact]
    public void RegressionMetrics_HandComputed()
    {
        double[] predictions = [1, 2, 3];
        double[] labels = [1, 3, 5];

        Assert.Equal(Math.Sqrt(5.0 / 3), EvaluationMetrics.Rmse(predictions, labels), 12);
        Assert.Equal(1, EvaluationMetrics.Mae(predictions, labels), 12);
        Assert.Equal(0.375, EvaluationMetrics.RSquared(predictions, labels), 12);
    }

    [Fact]
    public void RSquared_ConstantLabel_NaN() =>
        Assert.True(double.IsNaN(EvaluationMetrics.RSquared([1, 2], [4, 4])));

    [Fact]
    public void RegressionMetrics_SameRowsAsMlNet_Agree()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { (1f, 1f), (2f, 3f), (3f, 5f), (4.5f, 4f) }.Select(p => new RegressionRow { Score = p.Item1, Label = p.Item2 }).ToList();

        var expected = ml.Regression.Evaluate(ml.Data.LoadFromEnumerable(rows));

        var predictions = rows.Select(r => (double)r.Score).ToArray();
        var labels = rows.Select(r => (double)r.Label).ToArray();
        Assert.Equal(expected.RootMeanSquaredError, EvaluationMetrics.Rmse(predictions, labels), 6);
        Assert.Equal(expected.MeanAbsoluteError, EvaluationMetrics.Mae(predictions, labels), 6);
        Assert.Equal(expected.RSquared, EvaluationMetrics.RSquared(predictions, labels), 6);
    }

    // Three queries: q1 relevances 3, 2, 0 scored 0.5, 0.9, 0.1; q2 all irrelevant; q3 relevances 1, 0 scored 0.1, 0.2.
    private static readonly RankingRow[] s_ranking =
    [
        new() { Group = 1, Label = 3, Score = 0.5f }, new() { Group = 1, Label = 2, Score = 0.9f }, new() { Group = 1, Label = 0, Score = 0.1f },
        new() { Group = 2, Label = 0, Score = 0.3f }, new() { Group = 2, Label = 0, Score = 0.2f },
        new() { Group = 3, Label = 1, Score = 0.1f }, new() { Group = 3, Label = 0, Score = 0.2f },
    ];

    [Fact]
    public void Ndcg_HandComputed()
    {
        var (scores, labels, groups) = Ranking();

        // Gains 0, 3, 7, 15 for relevance 0..3; q1@3: (7/ln2 + 15/ln3) / (15/ln2 + 7/ln3); q2: 0 (nothing relevant); q3: (1... 3/ln3) / (3/ln2).
        var q1 = ((7 / Math.Log(2)) + (15 / Math.Log(3))) / ((15 / Math.Log(2)) + (7 / Math.Log(3)));
        var q3 = (3 / Math.Log(3)) / (3 / Math.Log(2));
        Assert.Equal((q1 + 0 + q3) / 3, EvaluationMetrics.Ndcg(scores, labels, groups, 3), 12);
        Assert.Equal((7.0 / 15) / 3, EvaluationMetrics.Ndcg(scores, labels, groups, 1), 12);
    }

    [Fact]
    public void Ndcg_SameRowsAsMlNet_Agree()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(s_ranking);
        data = ml.Transforms.Conversion.MapValueToKey("GroupId", "Group").Fit(data).Transform(data);

        var expected = ml.Ranking.Evaluate(data, "Label", "GroupId", "Score");

        var (scores, labels, groups) = Ranking();
        Assert.Equal(expected.NormalizedDiscountedCumulativeGains[0], EvaluationMetrics.Ndcg(scores, labels, groups, 1), 6);
        Assert.Equal(expected.NormalizedDiscountedCumulativeGains[2], EvaluationMetrics.Ndcg(scores, labels, groups, 3), 6);
        Assert.Equal(expected.NormalizedDiscountedCumulativeGains[9], EvaluationMetrics.Ndcg(scores, labels, groups, 10), 6);
    }

    private static (double[] Scores, double[] Labels, int[] Groups) Ranking() =>
        ([.. s_ranking.Select(r => (double)r.Score)], [.. s_ranking.Select(r => (double)r.Label)], [.. s_ranking.Select(r => (int)r.Group)]);

    private sealed class BinaryRow
    {
        public bool Label { get; set; }

        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    private sealed class MulticlassRow
    {
        // A float label is the class index (ML.NET reads a key-typed label here as its raw value, not value - 1).
        public float Label { get; set; }

        [KeyType(3)]
        public uint PredictedLabel { get; set; }

        [VectorType(3)]
        public float[] Score { get; set; } = [];
    }

    private sealed class RegressionRow
    {
        public float Label { get; set; }

        public float Score { get; set; }
    }

    private sealed class RankingRow
    {
        public uint Group { get; set; }

        public float Label { get; set; }

        public float Score { get; set; }
    }
}
