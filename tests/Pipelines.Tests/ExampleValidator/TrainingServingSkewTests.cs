using Pipelines.Components;
using Pipelines.Validation;
using static Pipelines.Tests.StatisticsGen.ValidationTestData;

namespace Pipelines.Tests.ExampleValidator;

/// <summary>Training/serving skew: the training data's reference split against the statistics of served requests.</summary>
public sealed class TrainingServingSkewTests
{
    [Fact]
    public void Validate_ServedCategoryShareDiffers_SkewErrorNamesBothShares()
    {
        // Training a:b = 5:5, served 9:1: L-infinity 0.4 over the drift threshold 0.1 (no skew threshold set: drift's applies).
        var schema = new DataSchema([new FeatureSchema("s", FeatureType.String, Drift: new DriftThresholds(LInfinity: 0.1))]);
        var training = Stats(null, Split("train", Text("s", [.. Enumerable.Repeat("a", 5), .. Enumerable.Repeat("b", 5)])));
        var served = Stats(null, Split("train", Text("s", [.. Enumerable.Repeat("a", 9), "b"])));

        var report = StatisticsValidator.Validate(training, schema, serving: served);

        var skew = Assert.Single(report.Anomalies, a => a.Kind == AnomalyKind.TrainingServingSkew);
        Assert.Equal(AnomalySeverity.Error, skew.Severity);
        Assert.Equal("s", skew.Column);
        Assert.Contains("differs between training and the served requests (training/serving skew): L-infinity distance 0.4", skew.Message, StringComparison.Ordinal);
        Assert.Contains("the share of 'a' is 50% in training and 90% in the served requests", skew.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Anomalies, a => a.Kind == AnomalyKind.Drift);
    }

    [Fact]
    public void Validate_SkewThresholdOverridesDrift_LooseSkewPassesNumericShift()
    {
        var numbers = Split("train", Numeric("x", [.. Enumerable.Range(0, 100).Select(i => (double)i)]));
        var shifted = Split("train", Numeric("x", [.. Enumerable.Range(0, 100).Select(i => i + 50.0)]));
        var strict = new DataSchema([new FeatureSchema("x", FeatureType.Float, Drift: new DriftThresholds(JensenShannon: 0.1))]);
        var loose = new DataSchema([new FeatureSchema("x", FeatureType.Float, Drift: new DriftThresholds(JensenShannon: 0.1), Skew: new DriftThresholds(JensenShannon: 1))]);

        var flagged = StatisticsValidator.Validate(Stats(null, numbers), strict, serving: Stats(null, shifted));
        var passed = StatisticsValidator.Validate(Stats(null, numbers), loose, serving: Stats(null, shifted));

        var skew = Assert.Single(flagged.Anomalies, a => a.Kind == AnomalyKind.TrainingServingSkew);
        Assert.Contains("mean 49.5 in training, 99.5 served", skew.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(passed.Anomalies, a => a.Kind == AnomalyKind.TrainingServingSkew);
    }

    [Fact]
    public void Validate_NoServingStatistics_NoSkewCheck()
    {
        var schema = new DataSchema([new FeatureSchema("s", FeatureType.String, Drift: new DriftThresholds(LInfinity: 0.0))]);
        var training = Stats(null, Split("train", Text("s", ["a", "b"])));

        var report = StatisticsValidator.Validate(training, schema);

        Assert.DoesNotContain(report.Anomalies, a => a.Kind == AnomalyKind.TrainingServingSkew);
    }
}
