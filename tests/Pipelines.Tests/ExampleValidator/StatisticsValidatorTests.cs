using Pipelines.Components;
using Pipelines.Validation;
using static Pipelines.Tests.StatisticsGen.ValidationTestData;

namespace Pipelines.Tests.ExampleValidator;

public sealed class StatisticsValidatorTests
{
    private const string SchemaFile = "schemas/penguin.schema.json";

    private static FeatureSchema Species => new("Species", FeatureType.String, new FeaturePresence(1), ["Adelie", "Gentoo"]);

    private static FeatureSchema Mass => new("Mass", FeatureType.Int, new FeaturePresence(1));

    private static SplitStatistics Good(string split = "train") =>
        Split(split, Text("Species", "Adelie", "Gentoo", "Adelie", "Gentoo"), Numeric("Mass", 3000, 4000, 5000, 3500));

    private static Anomaly Single(DatasetStatistics statistics, DataSchema schema, AnomalyKind kind, DatasetStatistics? baseline = null)
    {
        var report = StatisticsValidator.Validate(statistics, schema, baseline, SchemaFile);
        var anomaly = Assert.Single(report.Anomalies);
        Assert.Equal(kind, anomaly.Kind);
        return anomaly;
    }

    [Fact]
    public void Validate_DataMatchesSchema_NoAnomalies()
    {
        var schema = new DataSchema([Species, Mass], "Species", LearningTask.Classification);

        var report = StatisticsValidator.Validate(Stats(1, Good(), Good("eval")), schema);

        Assert.Empty(report.Anomalies);
        Assert.False(report.HasErrors);
        Assert.Equal(1, report.Span);
        Assert.False(report.HasBaseline);
    }

    [Fact]
    public void Validate_SchemaColumnAbsent_MissingColumnError()
    {
        var schema = new DataSchema([Species, Mass, new FeatureSchema("Island", FeatureType.String)]);

        var a = Single(Stats(null, Good()), schema, AnomalyKind.MissingColumn);

        Assert.Equal(AnomalySeverity.Error, a.Severity);
        Assert.Equal(("train", "Island"), (a.Split, a.Column));
        Assert.Contains("'Island' is in the schema but missing from split 'train'", a.Message, StringComparison.Ordinal);
        Assert.Contains(SchemaFile, a.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ColumnNotInSchema_UnexpectedColumnWarning()
    {
        var a = Single(Stats(null, Good()), new DataSchema([Species]), AnomalyKind.UnexpectedColumn);

        Assert.Equal(AnomalySeverity.Warning, a.Severity);
        Assert.Equal("Mass", a.Column);
        Assert.Contains("is not in the schema", a.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TextWhereIntExpected_TypeMismatchError()
    {
        var schema = new DataSchema([Species, Mass]);
        var statistics = Stats(null, Split("train", Text("Species", "Adelie"), Text("Mass", "heavy")));

        var a = Single(statistics, schema, AnomalyKind.TypeMismatch);

        Assert.Equal(AnomalySeverity.Error, a.Severity);
        Assert.Contains("'Mass' in split 'train' is text but the schema expects type 'int'", a.Message, StringComparison.Ordinal);
        Assert.Equal(("int", "text"), (a.Details!.Expected, a.Details.Actual));
    }

    [Fact]
    public void Validate_FractionWhereIntExpected_TypeMismatchError()
    {
        var statistics = Stats(null, Split("train", Text("Species", "Adelie"), Numeric("Mass", 3000.5)));

        var a = Single(statistics, new DataSchema([Species, Mass]), AnomalyKind.TypeMismatch);

        Assert.Contains("is fractional", a.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MoreMissingThanPresenceAllows_MissingValuesOverLimitError()
    {
        var statistics = Stats(null, Split("train", Text("Species", "Adelie", null, "Gentoo", "Adelie"), Numeric("Mass", 1, 2, 3, 4)));

        var a = Single(statistics, new DataSchema([Species, Mass]), AnomalyKind.MissingValuesOverLimit);

        Assert.Equal(AnomalySeverity.Error, a.Severity);
        Assert.Contains("misses a value in 25% of rows (1 of 4)", a.Message, StringComparison.Ordinal);
        Assert.Contains("at most 0% (presence.minFraction 1)", a.Message, StringComparison.Ordinal);
        Assert.Equal(0.25, a.Details!.Observed);
    }

    [Fact]
    public void Validate_MissingWithinPresence_NoAnomaly()
    {
        var statistics = Stats(null, Split("train", Text("Species", "Adelie", null, "Gentoo", "Adelie")));
        var schema = new DataSchema([Species with { Presence = new FeaturePresence(0.75) }]);

        Assert.Empty(StatisticsValidator.Validate(statistics, schema).Anomalies);
    }

    [Fact]
    public void Validate_ValuesOutsideDomain_UnexpectedCategoricalValuesErrorListsValuesWithCounts()
    {
        var statistics = Stats(null, Split("train", Text("Species", "Adelie", "Mars", "Venus", "Mars", "Gentoo", "Adelie", "Adelie", "Adelie")));

        var a = Single(statistics, new DataSchema([Species]), AnomalyKind.UnexpectedCategoricalValues);

        Assert.Equal(AnomalySeverity.Error, a.Severity);
        Assert.Contains("has 2 value(s) outside the schema domain, 37.5% of its values: 'Mars' (2), 'Venus' (1)", a.Message, StringComparison.Ordinal);
        Assert.Contains("add them to the domain of 'Species'", a.Message, StringComparison.Ordinal);
        Assert.Equal([new ValueCount("Mars", 2), new ValueCount("Venus", 1)], a.Details!.Values);
        Assert.Equal(0.375, a.Details.Observed);
    }

    [Fact]
    public void Validate_ValueAboveRange_ValueOutOfRangeError()
    {
        var schema = new DataSchema([Mass with { Range = new ValueRange(Min: 0, Max: 4500) }]);

        var a = Single(Stats(null, Split("train", Numeric("Mass", 3000, 5000))), schema, AnomalyKind.ValueOutOfRange);

        Assert.Equal(AnomalySeverity.Error, a.Severity);
        Assert.Contains("has values above the schema range [0, 4500]: its values span [3000, 5000]", a.Message, StringComparison.Ordinal);
        Assert.Equal((5000.0, 4500.0), (a.Details!.Observed, a.Details.Limit));
    }

    [Fact]
    public void Validate_TextDistributionMoved_DriftErrorWithLInfinity()
    {
        // Baseline a:b = 5:5, current 9:1 — shares of 'a' 0.5 → 0.9, L-infinity 0.4.
        var schema = new DataSchema([new FeatureSchema("s", FeatureType.String, Drift: new DriftThresholds(LInfinity: 0.1))]);
        var baseline = Stats(3, Split("train", Text("s", [.. Enumerable.Repeat("a", 5), .. Enumerable.Repeat("b", 5)])));
        var current = Stats(4, Split("train", Text("s", [.. Enumerable.Repeat("a", 9), "b"])));

        var a = Single(current, schema, AnomalyKind.Drift, baseline);

        Assert.Equal(AnomalySeverity.Error, a.Severity);
        Assert.Contains("drifted since the baseline (span 3): L-infinity distance 0.4 exceeds the threshold 0.1", a.Message, StringComparison.Ordinal);
        Assert.Contains("the share of 'a' went from 50% to 90%", a.Message, StringComparison.Ordinal);
        Assert.Equal(0.4, a.Details!.Observed!.Value, 12);
    }

    [Fact]
    public void Validate_NumericDistributionMoved_DriftErrorWithJensenShannon()
    {
        var schema = new DataSchema([new FeatureSchema("x", FeatureType.Float, Drift: new DriftThresholds(JensenShannon: 0.1))]);
        var baseline = Stats(3, Split("train", Numeric("x", [.. Enumerable.Range(0, 100).Select(i => (double)i)])));
        var current = Stats(4, Split("train", Numeric("x", [.. Enumerable.Range(0, 100).Select(i => i + 50.0)])));

        var a = Single(current, schema, AnomalyKind.Drift, baseline);

        Assert.Contains("Jensen-Shannon divergence", a.Message, StringComparison.Ordinal);
        Assert.Contains("mean 49.5 -> 99.5", a.Message, StringComparison.Ordinal);
        Assert.True(a.Details!.Observed > 0.1);
    }

    [Fact]
    public void Validate_DriftWithoutBaselineOrWithinThreshold_NoAnomaly()
    {
        var schema = new DataSchema([new FeatureSchema("s", FeatureType.String, Drift: new DriftThresholds(LInfinity: 0.5))]);
        var baseline = Stats(3, Split("train", Text("s", "a", "b")));
        var current = Stats(4, Split("train", Text("s", "a", "a", "a", "b")));

        Assert.Empty(StatisticsValidator.Validate(current, schema).Anomalies);
        Assert.Empty(StatisticsValidator.Validate(current, schema, baseline).Anomalies);
        Assert.True(StatisticsValidator.Validate(current, schema, baseline).HasBaseline);
    }

    [Fact]
    public void Validate_RowCountDroppedBeyondConstraint_DatasetLevelSizeChangeError()
    {
        var schema = new DataSchema([Mass], DatasetConstraints: new DatasetConstraints(MaxRelativeSizeChange: 0.5));
        var baseline = Stats(3, Split("train", Numeric("Mass", [.. Enumerable.Range(1, 8).Select(i => (double)i)])), Split("eval", Numeric("Mass", 1, 2)));
        var current = Stats(4, Split("train", Numeric("Mass", 1, 2, 3)), Split("eval", Numeric("Mass", 1)));

        var a = Single(current, schema, AnomalyKind.DatasetSizeChange, baseline);

        Assert.Equal(("*", null), (a.Split, a.Column));
        Assert.Contains("The dataset has 4 rows (train 3, eval 1), 10 (train 8, eval 2) since the baseline (span 3): a change of -6 rows (-60%)", a.Message, StringComparison.Ordinal);
        Assert.Contains("maxRelativeSizeChange 0.5", a.Message, StringComparison.Ordinal);
        Assert.Equal((0.6, 0.5, "10", "4"), (a.Details!.Observed, a.Details.Limit, a.Details.Expected, a.Details.Actual));
    }

    [Fact]
    public void Validate_AbsoluteSizeChangeBeyondConstraint_DatasetSizeChangeError()
    {
        var schema = new DataSchema([Mass], DatasetConstraints: new DatasetConstraints(MaxAbsoluteSizeChange: 1));
        var baseline = Stats(null, Split("train", Numeric("Mass", 1, 2)));
        var current = Stats(null, Split("train", Numeric("Mass", 1, 2, 3, 4)));

        var a = Single(current, schema, AnomalyKind.DatasetSizeChange, baseline);

        Assert.Contains("a change of +2 rows (+100%)", a.Message, StringComparison.Ordinal);
        Assert.Equal((2.0, 1.0), (a.Details!.Observed, a.Details.Limit));
    }

    [Fact]
    public void Validate_SplitsRebalancedSameTotal_NoSizeChange()
    {
        // Same input size, different split ratios (a changed split configuration): per split this would be +33% and -50%.
        var schema = new DataSchema([Mass], DatasetConstraints: new DatasetConstraints(MaxRelativeSizeChange: 0.3));
        var baseline = Stats(3, Split("train", Numeric("Mass", 1, 2, 3, 4, 5, 6)), Split("eval", Numeric("Mass", 1, 2, 3, 4)));
        var current = Stats(4, Split("train", Numeric("Mass", 1, 2, 3, 4, 5, 6, 7, 8)), Split("eval", Numeric("Mass", 1, 2)));

        Assert.Empty(StatisticsValidator.Validate(current, schema, baseline).Anomalies);
    }

    [Fact]
    public void Validate_NewSplitInBaselineMissing_SizeComparedOnTotals()
    {
        var schema = new DataSchema([Mass], DatasetConstraints: new DatasetConstraints(MaxAbsoluteSizeChange: 0));
        var baseline = Stats(3, Split("train", Numeric("Mass", 1, 2, 3)));
        var current = Stats(4, Split("train", Numeric("Mass", 1, 2)), Split("test", Numeric("Mass", 3)));

        Assert.Empty(StatisticsValidator.Validate(current, schema, baseline).Anomalies);
    }

    [Fact]
    public void Validate_DriftComparesTrainWithBaselineTrainWhateverTheSplitOrder()
    {
        var schema = new DataSchema([new FeatureSchema("s", FeatureType.String, Drift: new DriftThresholds(LInfinity: 0.1))]);
        var same = Text("s", "a", "a", "b", "b");
        var moved = Text("s", "a", "a", "a", "a");

        // Eval moved but train did not: no drift. Train listed second in the current statistics, first in the baseline.
        var baseline = Stats(3, Split("train", same), Split("eval", same));
        var evalMoved = Stats(4, Split("eval", moved), Split("train", same));
        var trainMoved = Stats(4, Split("eval", same), Split("train", moved));

        Assert.Empty(StatisticsValidator.Validate(evalMoved, schema, baseline).Anomalies);
        var a = Single(trainMoved, schema, AnomalyKind.Drift, baseline);
        Assert.Equal(("train", "s"), (a.Split, a.Column));
    }

    [Fact]
    public void Validate_InferredSchema_DatasetLevelWarningFirst()
    {
        var schema = new DataSchema([Species, Mass]) { Source = SchemaSource.Inferred };

        var report = StatisticsValidator.Validate(Stats(1, Good(), Split("eval", Text("Species", "Adelie", "Mars"), Numeric("Mass", 1, 2))), schema, null, SchemaFile);

        var first = report.Anomalies[0];
        Assert.Equal((AnomalyKind.InferredSchema, AnomalySeverity.Warning, Anomaly.DatasetSplit, null), (first.Kind, first.Severity, first.Split, first.Column));
        Assert.Contains("writes the inferred schema to schemas/penguin.schema.json", first.Message, StringComparison.Ordinal);
        Assert.Equal([AnomalyKind.InferredSchema, AnomalyKind.UnexpectedCategoricalValues], report.Anomalies.Select(x => x.Kind));
        Assert.Equal("[Warning] dataset: " + first.Message, first.ToString());
    }

    [Fact]
    public void Validate_InferredSchemaWithABaseline_ColumnGoneOrChangedKindSinceItIsAnError_ACuratedSchemaLeavesItToTheSchema()
    {
        // The schema was inferred from the new data: 'Mass' is text now and 'Island' is gone, and the schema agrees with both.
        var baseline = Stats(3, Split("train", Text("Species", "Adelie", "Gentoo"), Numeric("Mass", 3000, 4000), Text("Island", "Dream", "Biscoe")));
        var current = Stats(4, Split("train", Text("Species", "Adelie", "Gentoo"), Text("Mass", "3 kg", "4 kg")));
        var inferred = new DataSchema([Species, new FeatureSchema("Mass", FeatureType.String)]) { Source = SchemaSource.Inferred };

        var report = StatisticsValidator.Validate(current, inferred, baseline, SchemaFile);

        var mass = Assert.Single(report.Anomalies, a => a.Column == "Mass");
        Assert.Equal((AnomalyKind.TypeMismatch, AnomalySeverity.Error), (mass.Kind, mass.Severity));
        Assert.StartsWith("Column 'Mass' is text in split 'train' and was numeric since the baseline (span 3)", mass.Message, StringComparison.Ordinal);
        var island = Assert.Single(report.Anomalies, a => a.Column == "Island");
        Assert.Equal((AnomalyKind.MissingColumn, AnomalySeverity.Error), (island.Kind, island.Severity));
        Assert.Contains("curate schemas/penguin.schema.json (export-schema)", island.Message, StringComparison.Ordinal);

        // A curated schema is the contract: it checks its own columns ('Island' is not in it, so its absence is fine).
        var curated = new DataSchema([Species, new FeatureSchema("Mass", FeatureType.String)]) { Source = SchemaSource.Curated };
        Assert.DoesNotContain(StatisticsValidator.Validate(current, curated, baseline, SchemaFile).Anomalies, a => a.Column is "Island" or "Mass");
    }

    [Fact]
    public void Validate_SchemaSourceUnknownOrCurated_NoInferredSchemaWarning()
    {
        Assert.Empty(StatisticsValidator.Validate(Stats(1, Good()), new DataSchema([Species, Mass])).Anomalies);
        Assert.Empty(StatisticsValidator.Validate(Stats(1, Good()), new DataSchema([Species, Mass]) { Source = SchemaSource.Curated }).Anomalies);
    }

    [Fact]
    public void Validate_SplitWithoutRows_EmptySplitErrorAndNoColumnChecks()
    {
        var statistics = Stats(null, Good(), Split("eval", Text("Species"), Numeric("Mass")));

        var a = Single(statistics, new DataSchema([Species, Mass]), AnomalyKind.EmptySplit);

        Assert.Equal(("eval", null), (a.Split, a.Column));
        Assert.Contains("Split 'eval' has no rows", a.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ColumnWithoutAnyValue_AllMissingColumnError()
    {
        var statistics = Stats(null, Split("train", Text("Species", "Adelie", "Gentoo"), Numeric("Mass", double.NaN, double.NaN)));

        var a = Single(statistics, new DataSchema([Species, Mass with { Presence = null }]), AnomalyKind.AllMissingColumn);

        Assert.Contains("'Mass' in split 'train' has no value in any of its 2 rows", a.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RegressionLabelConstant_ConstantLabelError()
    {
        var schema = new DataSchema([Mass], "Mass", LearningTask.Regression);

        var a = Single(Stats(null, Split("train", Numeric("Mass", 4000, 4000, 4000))), schema, AnomalyKind.ConstantLabel);

        Assert.Equal(AnomalySeverity.Error, a.Severity);
        Assert.Contains("The label 'Mass' is constant (4000) in split 'train'", a.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ClassificationLabelOneClass_SingleClassSplitError()
    {
        var schema = new DataSchema([Species], "Species", LearningTask.Classification);
        var statistics = Stats(null, Good(), Split("eval", Text("Species", "Adelie", "Adelie")));

        var report = StatisticsValidator.Validate(statistics, schema);

        var a = Assert.Single(report.Anomalies, x => x.Kind != AnomalyKind.UnexpectedColumn);
        Assert.Equal(AnomalyKind.SingleClassSplit, a.Kind);
        Assert.Equal(("eval", "Species"), (a.Split, a.Column));
        Assert.Contains("has a single class ('Adelie') in split 'eval'", a.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ColumnWithLabelsCountsPerValue_LabelLeakageWarning()
    {
        var schema = new DataSchema([Species, new FeatureSchema("Code", FeatureType.String)], "Species", LearningTask.Classification);
        var statistics = Stats(null, Split("train", Text("Species", "Adelie", "Gentoo", "Adelie"), Text("Code", "A", "G", "A")));

        var a = Single(statistics, schema, AnomalyKind.LabelLeakage);

        Assert.Equal(AnomalySeverity.Warning, a.Severity);
        Assert.Equal("Code", a.Column);
        Assert.Contains("has exactly the statistics of the label 'Species'", a.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NumericCopyOfLabel_LabelLeakageWarning()
    {
        var schema = new DataSchema([Mass, new FeatureSchema("Copy", FeatureType.Int)], "Mass", LearningTask.Regression);
        var statistics = Stats(null, Split("train", Numeric("Mass", 1, 5, 3), Numeric("Copy", 3, 1, 5)));

        Assert.Equal("Copy", Single(statistics, schema, AnomalyKind.LabelLeakage).Column);
    }

    [Fact]
    public void Validate_SkippedFeature_NeverChecked()
    {
        var schema = new DataSchema([Species, Mass, new FeatureSchema("Island", FeatureType.String, Skip: true)]);
        var statistics = Stats(null, Good());

        Assert.Empty(StatisticsValidator.Validate(statistics, schema).Anomalies);
    }
}
