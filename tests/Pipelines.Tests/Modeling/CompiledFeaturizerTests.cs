using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Data;
using Pipelines.Tests.Transform;

namespace Pipelines.Tests.Modeling;

public sealed class CompiledFeaturizerTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void Read_FlightsPreprocessingSavedAndLoaded_EqualsMlNetOnEveryRowIncludingMissingAndUnseenValues()
    {
        var train = ModelingTestData.FlightsLike(3_000, 1);
        var eval = ModelingTestData.FlightsLike(3_000, 2, unseen: true);
        var graph = SavedAndLoaded(new FlightsLikePreprocessing().Build(_ml, null!).Fit(new ColumnarDataView(train)), new ColumnarDataView(train).Schema);

        var compiled = CompiledFeaturizer.TryCreate(graph, new ColumnarDataView(eval).Schema, "Features", out var reason);

        Assert.True(compiled is not null, reason);
        Assert.Equal(4 + 1 + 40 + 40, compiled.SlotCount);
        var rows = compiled.TryBind(eval, out reason);
        Assert.True(rows is not null, reason);
        Assert.Null(rows.Verify());
        var expected = Dense(graph.Transform(new ColumnarDataView(eval)), compiled.SlotCount);
        var reader = rows.CreateReader();
        var slots = new int[compiled.MaxEntries];
        var values = new float[compiled.MaxEntries];
        var sawMissing = false;
        var sawEmptyBlock = false;
        for (var r = 0; r < eval.RowCount; r++)
        {
            var actual = new float[compiled.SlotCount];
            var n = reader.Read(r, slots, values);
            for (var i = 0; i < n; i++)
            {
                actual[slots[i]] = values[i];
            }

            Assert.Equal(expected[r], actual);
            sawMissing |= actual.Any(float.IsNaN);
            sawEmptyBlock |= n < compiled.MaxEntries;
        }

        Assert.True(sawMissing && sawEmptyBlock, "the data should have missing numbers and airports without a key");
    }

    [Fact]
    public void TryCreate_ChainWithATransformItDoesNotKnow_ReturnsNullNamingIt()
    {
        var train = new ColumnarDataView(ModelingTestData.FlightsLike(200, 1));
        var graph = _ml.Transforms.Conversion.ConvertType("distance_f", "distance", DataKind.Single)
            .Append(_ml.Transforms.NormalizeMinMax("distance_f"))
            .Append(_ml.Transforms.Concatenate("Features", "distance_f"))
            .Fit(train);

        Assert.Null(CompiledFeaturizer.TryCreate(graph, train.Schema, "Features", out var reason));
        Assert.Contains("NormalizingTransformer", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryCreate_FeaturesFromAKeyOfNumbers_ReturnsNullSayingSo()
    {
        var train = new ColumnarDataView(ModelingTestData.FlightsLike(200, 1));
        var graph = _ml.Transforms.Conversion.MapValueToKey("distance_key", "distance")
            .Append(_ml.Transforms.Conversion.MapKeyToVector("distance_onehot", "distance_key"))
            .Append(_ml.Transforms.Concatenate("Features", "distance_onehot"))
            .Fit(train);

        Assert.Null(CompiledFeaturizer.TryCreate(graph, train.Schema, "Features", out var reason));
        Assert.Contains("'Features' is built from a transform or type the compiled featurizer does not handle", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PassesThrough_IsTrueOnlyForRawColumnsTheChainLeavesAlone()
    {
        var train = new ColumnarDataView(ModelingTestData.FlightsLike(200, 1));
        var graph = _ml.Transforms.Conversion.ConvertType("distance", "distance", DataKind.Single)
            .Append(_ml.Transforms.Concatenate("Features", "distance"))
            .Fit(train);

        var compiled = CompiledFeaturizer.TryCreate(graph, train.Schema, "Features", out var reason);

        Assert.True(compiled is not null, reason);
        Assert.True(compiled.PassesThrough("delay"));
        Assert.True(compiled.PassesThrough("origin"));
        Assert.False(compiled.PassesThrough("distance"));
        Assert.False(compiled.PassesThrough("Features"));
    }

    [Fact]
    public void TryBind_TableWithoutAColumnTheChainReads_ReturnsNullNamingIt()
    {
        var train = ModelingTestData.FlightsLike(200, 1);
        var graph = new FlightsLikePreprocessing().Build(_ml, null!).Fit(new ColumnarDataView(train));
        var compiled = CompiledFeaturizer.TryCreate(graph, new ColumnarDataView(train).Schema, "Features", out _)!;
        var withoutOrigin = new ColumnarTable([.. train.Columns.Select(c => c.Name == "origin" ? new NumericColumn("origin", new double[c.Length]) : c)]);

        Assert.Null(compiled.TryBind(withoutOrigin, out var reason));
        Assert.Contains("no column 'origin' of the kind the chain reads", reason, StringComparison.Ordinal);
    }

    private ITransformer SavedAndLoaded(ITransformer model, DataViewSchema schema)
    {
        var path = Path.Combine(Path.GetTempPath(), $"compiled-featurizer-{Guid.NewGuid():N}.zip");
        try
        {
            _ml.Model.Save(model, schema, path);
            return ModelLoader.Load(new MLContext(seed: 1), path, out _);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<float[]> Dense(IDataView featurized, int slots)
    {
        var result = new List<float[]>();
        var column = featurized.Schema["Features"];
        using var cursor = featurized.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> vector = default;
        while (cursor.MoveNext())
        {
            getter(ref vector);
            var dense = vector.DenseValues().ToArray();
            Assert.Equal(slots, dense.Length);
            result.Add(dense);
        }

        return result;
    }
}
