using System.Text.Json;
using Pipelines.Validation;

namespace Pipelines.Tests.SchemaGen;

public sealed class DataSchemaTests
{
    private static readonly DataSchema s_penguin = new(
        [
            new FeatureSchema("Species", FeatureType.String, new FeaturePresence(1), ["Adelie", "Chinstrap", "Gentoo"], Drift: new DriftThresholds(LInfinity: 0.1)),
            new FeatureSchema("Body Mass (g)", FeatureType.Int, new FeaturePresence(0.99), Range: new ValueRange(2000, 7000)),
            new FeatureSchema("Comments", FeatureType.String, Skip: true),
        ],
        "Species",
        LearningTask.Classification,
        new DatasetConstraints(MaxRelativeSizeChange: 0.5));

    [Fact]
    public void ToJson_Schema_UsesDocumentedShape()
    {
        using var json = JsonDocument.Parse(s_penguin.ToJson());

        var root = json.RootElement;
        Assert.Equal("Species", root.GetProperty("labelColumn").GetString());
        Assert.Equal("classification", root.GetProperty("task").GetString());
        Assert.Equal(0.5, root.GetProperty("datasetConstraints").GetProperty("maxRelativeSizeChange").GetDouble());
        var mass = root.GetProperty("features")[1];
        Assert.Equal("int", mass.GetProperty("type").GetString());
        Assert.Equal(0.99, mass.GetProperty("presence").GetProperty("minFraction").GetDouble());
        Assert.Equal(7000, mass.GetProperty("range").GetProperty("max").GetDouble());
        Assert.False(mass.TryGetProperty("domain", out _));
        Assert.Equal(0.1, root.GetProperty("features")[0].GetProperty("drift").GetProperty("lInfinity").GetDouble());
    }

    [Fact]
    public void Parse_SavedJson_RoundTrips()
    {
        var parsed = DataSchema.Parse(s_penguin.ToJson());

        Assert.Equal(s_penguin.ToJson(), parsed.ToJson());
        Assert.Equal(["Adelie", "Chinstrap", "Gentoo"], parsed.Features[0].Domain);
        Assert.True(parsed.Features[2].Skip);
    }

    [Fact]
    public void Parse_Source_RoundTripsAsLowercaseWrittenFirstAndOptional()
    {
        var inferred = s_penguin with { Source = SchemaSource.Inferred };

        var json = inferred.ToJson();

        Assert.StartsWith("{\n  \"source\": \"inferred\",", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(SchemaSource.Inferred, DataSchema.Parse(json).Source);
        Assert.Equal(SchemaSource.Curated, DataSchema.Parse("""{ "source": "curated", "features": [] }""").Source);
        Assert.Null(DataSchema.Parse("""{ "features": [] }""").Source);
        Assert.False(JsonDocument.Parse(s_penguin.ToJson()).RootElement.TryGetProperty("source", out _));
    }

    [Fact]
    public void Parse_UnknownSource_ThrowsNamingTheMember()
    {
        var e = Assert.Throws<DataValidationException>(() => DataSchema.Parse("""{ "source": "guessed", "features": [] }""", "penguin.schema.json"));

        Assert.Contains("penguin.schema.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("$.source", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HandWrittenWithCommentsAndTrailingCommas_Accepted()
    {
        const string json = """
            {
              // curated by hand
              "features": [
                { "name": "Island", "type": "string", "domain": ["Biscoe", "Dream",], },
              ],
            }
            """;

        var schema = DataSchema.Parse(json);

        Assert.Equal(FeatureType.String, schema.Features[0].Type);
        Assert.Null(schema.Features[0].Presence);
    }

    [Theory]
    [InlineData("""{"features":[{"name":"x","type":"integer"}]}""", "line 1")]
    [InlineData("""{"features":[{"name":"x","type":"int","minFracton":1}]}""", "minFracton")]
    [InlineData("""{"features":[{"type":"int"}]}""", "name")]
    [InlineData("{\"features\":[\n{\"name\":\"x\",\"type\":\"int\"\n]}", "line 3")]
    public void Parse_MalformedJson_ThrowsNamingSourceAndPosition(string json, string expected)
    {
        var e = Assert.Throws<DataValidationException>(() => DataSchema.Parse(json, "schemas/penguin.schema.json"));

        Assert.Contains("schemas/penguin.schema.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"features":[{"name":"x","type":"int","presence":{"minFraction":2}}]}""", "presence.minFraction is 2")]
    [InlineData("""{"features":[{"name":"x","type":"int"},{"name":"x","type":"float"}]}""", "listed twice")]
    [InlineData("""{"features":[{"name":"x","type":"int","domain":["a"]}]}""", "domain is only allowed for type 'string'")]
    [InlineData("""{"features":[{"name":"x","type":"int","range":{"min":5,"max":1}}]}""", "range.min 5 is greater than range.max 1")]
    [InlineData("""{"features":[{"name":"x","type":"int"}],"labelColumn":"y"}""", "labelColumn 'y' is not one of the features")]
    [InlineData("""{"features":[{"name":"x","type":"float","drift":{"lInfinity":0.1}}]}""", "drift.lInfinity applies to 'string' features only")]
    public void Parse_InconsistentSchema_ThrowsListingTheProblem(string json, string expected)
    {
        var e = Assert.Throws<DataValidationException>(() => DataSchema.Parse(json, "curated.json"));

        Assert.Contains("'curated.json' is invalid", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
