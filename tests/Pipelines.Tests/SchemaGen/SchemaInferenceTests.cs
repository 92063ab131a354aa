using Pipelines.Components;
using Pipelines.Validation;
using static Pipelines.Tests.StatisticsGen.ValidationTestData;

namespace Pipelines.Tests.SchemaGen;

public sealed class SchemaInferenceTests
{
    private static readonly SchemaGenOptions s_defaults = new();

    [Fact]
    public void Infer_ColumnKinds_MapsToIntFloatStringTimestamp()
    {
        var statistics = Stats(null, Split("train",
            Numeric("count", 1, 2), Numeric("mass", 1.5, 2), Text("island", "Dream", "Biscoe"), Timestamps("at", 1_700_000_000, 1_700_000_001), Numeric("empty", double.NaN, double.NaN)));

        var schema = SchemaInference.Infer(statistics, s_defaults);

        Assert.Equal(
            [("count", FeatureType.Int), ("mass", FeatureType.Float), ("island", FeatureType.String), ("at", FeatureType.Timestamp), ("empty", FeatureType.Float)],
            schema.Features.Select(f => (f.Name, f.Type)));
    }

    [Fact]
    public void Infer_IntegersInTrainButFractionInEval_IsFloat()
    {
        var statistics = Stats(null, Split("train", Numeric("x", 1, 2)), Split("eval", Numeric("x", 2.5)));

        Assert.Equal(FeatureType.Float, SchemaInference.Infer(statistics, s_defaults).Features[0].Type);
    }

    [Fact]
    public void Infer_NoMissingValues_PresenceIsRequired()
    {
        var statistics = Stats(null, Split("train", Numeric("x", 1, 2)), Split("eval", Numeric("x", 3)));

        Assert.Equal(1.0, SchemaInference.Infer(statistics, s_defaults).Features[0].Presence!.MinFraction);
    }

    [Fact]
    public void Infer_SomeMissingValues_PresenceIsSmallestFractionRoundedDown()
    {
        // train: 22 of 23 present = 0.9565 → 0.95; eval: 19 of 20 = 0.95 exactly → 0.95; the minimum wins.
        var train = Enumerable.Range(0, 23).Select(i => i == 0 ? double.NaN : i).ToArray();
        var eval = Enumerable.Range(0, 20).Select(i => i == 0 ? double.NaN : i).ToArray();
        var statistics = Stats(null, Split("train", Numeric("x", train)), Split("eval", Numeric("x", eval)));

        Assert.Equal(0.95, SchemaInference.Infer(statistics, s_defaults).Features[0].Presence!.MinFraction);
    }

    [Fact]
    public void Infer_LowCardinalityText_GetsSortedDomainFromAllSplits()
    {
        var statistics = Stats(null, Split("train", Text("island", "Dream", "Biscoe", "Dream")), Split("eval", Text("island", "Torgersen")));

        Assert.Equal(["Biscoe", "Dream", "Torgersen"], SchemaInference.Infer(statistics, s_defaults).Features[0].Domain);
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(2, false)]
    [InlineData(0, false)]
    public void Infer_DistinctValuesVersusMaxDomainSize_DomainOnlyUpToTheCap(int maxDomainSize, bool hasDomain)
    {
        var statistics = Stats(null, Split("train", Text("s", "a", "b", "c")));

        var schema = SchemaInference.Infer(statistics, new SchemaGenOptions { MaxDomainSize = maxDomainSize });

        Assert.Equal(hasDomain, schema.Features[0].Domain is not null);
    }

    [Fact]
    public void Infer_Defaults_DriftPerTypeNoRangeNoDatasetConstraints()
    {
        var statistics = Stats(null, Split("train", Numeric("n", 1, 2), Text("s", "a", "b"), Timestamps("t", 1, 2)));

        var schema = SchemaInference.Infer(statistics, s_defaults);

        Assert.Equal(new DriftThresholds(JensenShannon: 0.1), schema.Features[0].Drift);
        Assert.Equal(new DriftThresholds(LInfinity: 0.1), schema.Features[1].Drift);
        Assert.Null(schema.Features[2].Drift);
        Assert.All(schema.Features, f => Assert.Null(f.Range));
        Assert.All(schema.Features, f => Assert.False(f.Skip));
        Assert.Null(schema.DatasetConstraints);
    }

    [Fact]
    public void Infer_TextLabelWithoutTask_IsClassification()
    {
        var statistics = Stats(null, Split("train", Text("Species", "Adelie", "Gentoo")));

        var schema = SchemaInference.Infer(statistics, new SchemaGenOptions { LabelColumn = "Species" });

        Assert.Equal("Species", schema.LabelColumn);
        Assert.Equal(LearningTask.Classification, schema.Task);
    }

    [Fact]
    public void Infer_UnknownLabelColumn_ThrowsNamingOptionAndColumns()
    {
        var statistics = Stats(null, Split("train", Text("Species", "Adelie")));

        var e = Assert.Throws<DataValidationException>(() => SchemaInference.Infer(statistics, new SchemaGenOptions { LabelColumn = "Specis" }));

        Assert.Contains("LabelColumn is 'Specis'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'Species'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Infer_ReferenceSplitIsTrain_ColumnOrderFollowsTrain()
    {
        var statistics = Stats(null, Split("eval", Numeric("b", 1), Numeric("a", 1)), Split("train", Numeric("a", 1), Numeric("b", 1)));

        Assert.Equal(["a", "b"], SchemaInference.Infer(statistics, s_defaults).Features.Select(f => f.Name));
    }
}
