using Pipelines.Components;

namespace Pipelines.Tests.Evaluator;

public sealed class BlessingJudgeTests
{
    private const EvaluationTask Binary = EvaluationTask.BinaryClassification;

    [Fact]
    public void Judge_NoThreshold_NotBlessedAndSaysWhy()
    {
        var decision = BlessingJudge.Judge(new EvaluatorOptions(), Binary, [Overall(auc: 0.99)], [], baselineModelId: null);

        Assert.False(decision.Blessed);
        Assert.Empty(decision.Results);
        Assert.Contains("No threshold is configured", Assert.Single(decision.Notes), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.70, true)]
    [InlineData(0.6999, false)]
    [InlineData(0.90, true)]
    [InlineData(0.9001, false)]
    public void Judge_ValueThreshold_BoundsInclusive(double auc, bool blessed)
    {
        var options = new EvaluatorOptions { Thresholds = [new MetricThreshold("AUC", Lower: 0.70, Upper: 0.90)] };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(auc)], [], null);

        Assert.Equal(blessed, decision.Blessed);
        Assert.Equal(blessed ? ThresholdOutcome.Passed : ThresholdOutcome.Failed, Assert.Single(decision.Results).Outcome);
    }

    [Fact]
    public void Judge_ValueBelowLowerBound_FailureSpellsOutMetricSliceValueAndBound()
    {
        var options = new EvaluatorOptions { Thresholds = [new MetricThreshold("auc", Lower: 0.7)] };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(0.62)], [], null);

        var failure = Assert.Single(decision.Failures);
        Assert.Equal("AUC on overall = 0.62 is below the lower bound 0.7 (threshold [0.7, +inf], inclusive)", failure.Message);
        Assert.Equal(("AUC", "overall", 0.62, 0.7), (failure.Metric, failure.Slice, failure.Value!.Value, failure.Lower!.Value));
        Assert.StartsWith("Not blessed: 1 of 1", decision.Notes[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_UndefinedMetric_ThresholdFailsWithTheWarningsReason()
    {
        var warning = new EvaluationWarning(EvaluationWarningKind.MetricUndefined,
            "AUC of the candidate model on slice 'overall' is undefined: the slice has a single class: all 40 labels are negative.", "overall", "AUC", "candidate");
        var options = new EvaluatorOptions { Thresholds = [new MetricThreshold("AUC", Lower: 0.7)] };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(auc: null)], [warning], null);

        Assert.False(decision.Blessed);
        var failure = Assert.Single(decision.Failures);
        Assert.Equal("AUC on overall cannot be checked against [0.7, +inf]: " + warning.Message, failure.Message);
    }

    [Fact]
    public void Judge_MetricOfAnotherTask_FailsNamingTheAvailableMetrics()
    {
        var options = new EvaluatorOptions { Thresholds = [new MetricThreshold("RMSE", Upper: 1)] };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(0.9)], [], null);

        Assert.Contains("metric 'RMSE' is not computed for task BinaryClassification (available: ExampleCount, AUC,", Assert.Single(decision.Failures).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.80, 0.79, 0.01, null, true)] // drop 0.01 = allowed: inclusive
    [InlineData(0.80, 0.7899, 0.01, null, false)]
    [InlineData(0.80, 0.90, 0.0, null, true)] // improvement
    [InlineData(0.80, 0.78, null, 0.025, true)] // 2.5 % relative drop, allowed 2.5 %
    [InlineData(0.80, 0.77, null, 0.025, false)] // 3.75 %
    [InlineData(0.80, 0.82, -0.02, null, true)] // a negative bound demands an improvement of at least 0.02
    [InlineData(0.80, 0.81, -0.02, null, false)]
    public void Judge_ChangeHigherIsBetter_AbsoluteAndRelative(double baseline, double candidate, double? maxAbsolute, double? maxRelative, bool blessed)
    {
        var options = new EvaluatorOptions { ChangeThresholds = [new ChangeThreshold("AUC", ChangeDirection.HigherIsBetter, maxAbsolute, maxRelative)] };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(candidate, baseline)], [], baselineModelId: 7);

        Assert.Equal(blessed, decision.Blessed);
        var result = Assert.Single(decision.Results);
        Assert.Equal((candidate, baseline), (result.Value!.Value, result.BaselineValue!.Value));

        // The bounds keep their units apart: Upper is absolute, the relative bound has its own field.
        Assert.Equal((maxAbsolute, maxRelative), (result.Upper, result.MaxRelativeDegradation));
    }

    [Theory]
    [InlineData(0.30, 0.31, 0.01, true)] // log-loss rise 0.01 = allowed
    [InlineData(0.30, 0.32, 0.01, false)]
    [InlineData(0.30, 0.10, 0.0, true)] // a drop in log-loss is an improvement
    public void Judge_ChangeLowerIsBetter_RiseIsDegradation(double baseline, double candidate, double maxAbsolute, bool blessed)
    {
        var options = new EvaluatorOptions { ChangeThresholds = [new ChangeThreshold("LogLoss", ChangeDirection.LowerIsBetter, maxAbsolute)] };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(0.9, 0.9, candidate, baseline)], [], baselineModelId: 7);

        Assert.Equal(blessed, decision.Blessed);
    }

    [Fact]
    public void Judge_ChangeFails_MessageNamesBothValuesAndTheBaselineModel()
    {
        var options = new EvaluatorOptions { ChangeThresholds = [new ChangeThreshold("AUC", ChangeDirection.HigherIsBetter, MaxAbsoluteDegradation: 0.01)] };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(0.85, 0.91)], [], baselineModelId: 7);

        Assert.Equal(
            "AUC on overall went from 0.91 (baseline model 7) to 0.85: a degradation of 0.06 (6.593407% relative; a drop is worse), beyond the allowed at most 0.01 absolute",
            Assert.Single(decision.Failures).Message);
    }

    [Fact]
    public void Judge_FirstRunWithoutBaseline_ChangeSkippedWithNoteAndJudgedOnValues()
    {
        var options = new EvaluatorOptions
        {
            Thresholds = [new MetricThreshold("AUC", Lower: 0.7)],
            ChangeThresholds = [new ChangeThreshold("AUC", ChangeDirection.HigherIsBetter, MaxAbsoluteDegradation: 0.01)],
        };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(0.8)], [], baselineModelId: null);

        Assert.True(decision.Blessed);
        Assert.Equal([ThresholdOutcome.Passed, ThresholdOutcome.Skipped], decision.Results.Select(r => r.Outcome));
        Assert.Contains(decision.Notes, n => n.StartsWith("No baseline model", StringComparison.Ordinal));

        var failing = BlessingJudge.Judge(options, Binary, [Overall(0.6)], [], baselineModelId: null);
        Assert.False(failing.Blessed);
    }

    [Fact]
    public void Judge_BaselineCouldNotBeEvaluated_ChangeThresholdFails()
    {
        var options = new EvaluatorOptions { ChangeThresholds = [new ChangeThreshold("AUC", ChangeDirection.HigherIsBetter, MaxAbsoluteDegradation: 0.01)] };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(0.9)], [], baselineModelId: 7, baselineProblem: "it lacks column 'x'");

        Assert.Equal("AUC on overall cannot be compared with baseline model 7: it lacks column 'x'", Assert.Single(decision.Failures).Message);
    }

    [Fact]
    public void Judge_SliceGapAboveMax_NotBlessedNamingHighestAndLowest()
    {
        var options = new EvaluatorOptions
        {
            SliceColumns = ["island"],
            SliceGapThresholds = [new SliceGapThreshold("Accuracy", "island", 0.05)],
        };
        SliceEvaluation[] slices = [Overall(0.9), Slice("island=Biscoe", 0.99, 40), Slice("island=Dream", 0.91, 40), Slice("island=Torgersen", 0.5, 5)];

        var decision = BlessingJudge.Judge(options, Binary, slices, [], null);

        Assert.False(decision.Blessed);
        Assert.Equal(
            "Accuracy gap across island slices = 0.08 (highest island=Biscoe 0.99, lowest island=Dream 0.91), more than the allowed 0.05; 1 slice(s) with fewer than 10 rows left out",
            Assert.Single(decision.Failures).Message);
    }

    [Fact]
    public void Judge_SliceGapWithinMax_Blessed()
    {
        var options = new EvaluatorOptions { SliceColumns = ["island"], SliceGapThresholds = [new SliceGapThreshold("Accuracy", "island", 0.08)] };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(0.9), Slice("island=Biscoe", 0.99, 40), Slice("island=Dream", 0.91, 40)], [], null);

        Assert.True(decision.Blessed);
    }

    /// <summary>The issue: too few rows for a slice gives a named warning, and a threshold on it fails with that reason. Until
    /// 2026-12-02 it was skipped, and a model whose only checks were on small slices was blessed with none made.</summary>
    [Fact]
    public void Judge_ThresholdNamingASmallSlice_FailsWithTheReason()
    {
        var options = new EvaluatorOptions
        {
            SliceColumns = ["island"],
            Thresholds = [new MetricThreshold("Accuracy", Lower: 0.9, Slice: "island=Torgersen")],
        };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(0.9), Slice("island=Biscoe", 0.95, 40), Slice("island=Torgersen", 0.2, 4)], [], null);

        Assert.False(decision.Blessed);
        var failure = Assert.Single(decision.Failures);
        Assert.Equal(
            "Accuracy on island=Torgersen cannot be checked: the slice has 4 labelled rows, fewer than MinSliceSize 10 (warning SmallSlice). Lower EvaluatorOptions.MinSliceSize to judge it, or set the threshold on a larger slice",
            failure.Message);
        Assert.Equal(0.9, failure.Lower);
    }

    /// <summary>Of a column=* threshold, small slices are left out (one rare value must not block every blessing), but only
    /// while the column has a slice large enough to judge; with none the threshold fails.</summary>
    [Theory]
    [InlineData(40, true)]
    [InlineData(5, false)]
    public void Judge_WildcardThresholdWithSmallSlices_LeavesThemOutUnlessNoSliceIsLargeEnough(long biscoeRows, bool blessed)
    {
        var options = new EvaluatorOptions { SliceColumns = ["island"], Thresholds = [new MetricThreshold("Accuracy", Lower: 0.9, Slice: "island=*")] };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(0.9), Slice("island=Biscoe", 0.95, biscoeRows), Slice("island=Torgersen", 0.2, 4)], [], null);

        Assert.Equal(blessed, decision.Blessed);
        Assert.Equal(blessed ? [ThresholdOutcome.Passed, ThresholdOutcome.Skipped] : [ThresholdOutcome.Failed, ThresholdOutcome.Failed], decision.Results.Select(r => r.Outcome));
        Assert.Equal(blessed
                ? "Accuracy on island=Torgersen: left out of the 'island=*' threshold, the slice has 4 labelled rows, fewer than MinSliceSize 10 (warning SmallSlice)"
                : "Accuracy on island=Torgersen cannot be checked: the slice has 4 labelled rows, fewer than MinSliceSize 10 (warning SmallSlice). No slice of 'island' has 10 rows; lower EvaluatorOptions.MinSliceSize to judge them",
            decision.Results[1].Message);
    }

    [Fact]
    public void Judge_ThresholdOnSmallOverall_Fails()
    {
        var options = new EvaluatorOptions { Thresholds = [new MetricThreshold("AUC", Lower: 0.5)], MinSliceSize = 200 };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(0.9)], [], null);

        Assert.False(decision.Blessed);
        Assert.Contains("the slice has 100 labelled rows, fewer than MinSliceSize 200", Assert.Single(decision.Failures).Message, StringComparison.Ordinal);
    }

    /// <summary>Recalls 0.7, 0.8 and 0.9 average to 0.7999999999999999 in doubles: that meets "at least 0.8".</summary>
    [Fact]
    public void Judge_ValueThreshold_InclusiveUpToRounding()
    {
        var macro = (0.7 + 0.8 + 0.9) / 3;
        Assert.True(macro < 0.8);
        var options = new EvaluatorOptions { Thresholds = [new MetricThreshold("AUC", Lower: 0.8), new MetricThreshold("LogLoss", Upper: 0.3)] };

        // LogLoss 0.3 + 1e-12 (a value a sum of logs can give) meets "at most 0.3" the same way.
        var decision = BlessingJudge.Judge(options, Binary, [Overall(macro, logLoss: 0.3 + 1e-12)], [], null);

        Assert.True(decision.Blessed);
        Assert.Equal(2, decision.Results.Count(r => r.Outcome == ThresholdOutcome.Passed));
    }

    [Fact]
    public void Judge_ThresholdOnSliceWithoutRows_Fails()
    {
        var options = new EvaluatorOptions { SliceColumns = ["island"], Thresholds = [new MetricThreshold("Accuracy", Lower: 0.9, Slice: "island=Mars")] };

        var decision = BlessingJudge.Judge(options, Binary, [Overall(0.9), Slice("island=Biscoe", 0.95, 40)], [], null);

        Assert.Equal("Accuracy on island=Mars cannot be checked: the slice has no rows in the eval split", Assert.Single(decision.Failures).Message);
    }

    [Fact]
    public void Judge_MulticlassAliasesAndPerClassMetrics_Resolved()
    {
        var metrics = new Dictionary<string, double?> { ["MicroAccuracy"] = 0.97, ["Recall[Gentoo]"] = 1.0, ["ExampleCount"] = 100 };
        var overall = new SliceEvaluation("overall", null, null, 100, new ModelMetrics(metrics));
        var options = new EvaluatorOptions { Thresholds = [new MetricThreshold("Accuracy", Lower: 0.95), new MetricThreshold("recall[Gentoo]", Lower: 0.9)] };

        var decision = BlessingJudge.Judge(options, EvaluationTask.MulticlassClassification, [overall], [], null);

        Assert.True(decision.Blessed);
        Assert.Equal(["MicroAccuracy", "Recall[Gentoo]"], decision.Results.Select(r => r.Metric));
    }

    private static SliceEvaluation Overall(double? auc, double? baselineAuc = null, double logLoss = 0.3, double baselineLogLoss = 0.3) =>
        new("overall", null, null, 100,
            new ModelMetrics(new Dictionary<string, double?> { ["AUC"] = auc, ["Accuracy"] = auc, ["LogLoss"] = logLoss }),
            baselineAuc is null ? null : new ModelMetrics(new Dictionary<string, double?> { ["AUC"] = baselineAuc, ["Accuracy"] = baselineAuc, ["LogLoss"] = baselineLogLoss }));

    private static SliceEvaluation Slice(string name, double accuracy, long count)
    {
        var eq = name.IndexOf('=', StringComparison.Ordinal);
        return new SliceEvaluation(name, name[..eq], name[(eq + 1)..], count, new ModelMetrics(new Dictionary<string, double?> { ["Accuracy"] = accuracy }));
    }
}
