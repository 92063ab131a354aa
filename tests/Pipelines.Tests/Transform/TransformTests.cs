using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Components;
using Pipelines.Data;
using Pipelines.Tests.StatisticsGen;
using Pipelines.Validation;
using static Pipelines.Tests.StatisticsGen.ValidationTestData;
using static Pipelines.Tests.Transform.ModelingTestData;

namespace Pipelines.Tests.Transform;

public sealed class TransformTests
{
    private static readonly BindingContext s_binding = new("test", new Dictionary<string, string>(), "/tmp");

    [Fact]
    public void Constructor_Wired_DeclaresPortsAndOutputs()
    {
        var source = new ExamplesSource();

        var node = new Components.Transform(source.Examples, source.Schema, new TransformOptions { Preprocessing = typeof(TestPreprocessing) });

        Assert.Equal("Transform", node.Id);
        Assert.Equal(["examples", "schema"], node.InputPorts.Select(p => p.Name));
        Assert.Equal("transform_graph", node.Outputs.TransformGraph.Port);
        Assert.Equal("transformed_examples", node.Outputs.TransformedExamples.Port);
        Assert.EndsWith("TransformTests.cs", node.DefinedAt.File, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NotMaterialized_DeclaresOnlyTheGraphAndSaysHowToWireTheTrainer()
    {
        var source = new ExamplesSource();

        var node = new Components.Transform(source.Examples, source.Schema, new TransformOptions { Preprocessing = typeof(TestPreprocessing), Materialize = false });

        Assert.Equal(["transform_graph"], node.OutputPorts.Select(p => p.Name));
        Assert.False(node.Outputs.Materialized);
        var e = Assert.Throws<InvalidOperationException>(() => node.Outputs.TransformedExamples);
        Assert.Contains("Transform 'Transform' has TransformOptions.Materialize = false", e.Message, StringComparison.Ordinal);
        Assert.Contains("new Trainer(exampleGen.Outputs.Examples, transform.Outputs.TransformGraph", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NotMaterializedWithOutputColumns_Throws()
    {
        var source = new ExamplesSource();

        var e = Assert.Throws<ArgumentException>(() => new Components.Transform(source.Examples, source.Schema,
            new TransformOptions { Preprocessing = typeof(TestPreprocessing), Materialize = false, OutputColumns = ["Features"] }));

        Assert.Contains("OutputColumns chooses the columns of the transformed examples, which Materialize = false does not write", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_NotMaterialized_WritesTheGraphOnly()
    {
        using var temp = new TempDirectory();
        var examples = await ExamplesAsync(temp.Path, ("train", Gaussians(60, 1)), ("eval", Gaussians(30, 2)));
        var schema = await SchemaAsync(temp.Path, Schema("species", FeatureType.String));
        var graph = Artifact<TransformGraph>(10, Path.Combine(temp.Path, "graph"));
        var log = new List<string>();
        var context = Context("Transform",
            new Dictionary<string, IReadOnlyList<Pipelines.Artifact>> { ["examples"] = [examples], ["schema"] = [schema] },
            new Dictionary<string, Pipelines.Artifact> { ["transform_graph"] = graph }, log);

        await new TransformExecutor().ExecuteAsync(context, new TransformOptions { Preprocessing = typeof(TestPreprocessing), Materialize = false }, CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(graph.Uri, "transform.zip")));
        Assert.True(File.Exists(Path.Combine(graph.Uri, "preprocessing.json")));
        Assert.Contains(log, l => l.Contains("Materialize = false: no transformed examples written", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "is not set")]
    [InlineData(typeof(string), "does not implement Pipelines.IPreprocessing")]
    [InlineData(typeof(AbstractPreprocessing), "is abstract")]
    [InlineData(typeof(PreprocessingWithoutDefaultConstructor), "has no public parameterless constructor")]
    public void Constructor_BadPreprocessingType_ThrowsNamingOptionAndProblem(Type? type, string problem)
    {
        var source = new ExamplesSource();

        var e = Assert.Throws<ArgumentException>(() => new Components.Transform(source.Examples, source.Schema, new TransformOptions { Preprocessing = type }));

        Assert.Contains("TransformOptions.Preprocessing", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        if (type is not null)
        {
            Assert.Contains(type.FullName!, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Bind_OptionsJson_HoldsPreprocessingNameAssemblyAndMvid()
    {
        var source = new ExamplesSource();
        var a = new Components.Transform(source.Examples, source.Schema, new TransformOptions { Preprocessing = typeof(TestPreprocessing) });
        var b = new Components.Transform(source.Examples, source.Schema, new TransformOptions { Preprocessing = typeof(NormalizingPreprocessing) });

        var json = a.Bind(s_binding).OptionsJson;

        var mvid = typeof(TestPreprocessing).Assembly.ManifestModule.ModuleVersionId.ToString("N");
        Assert.Contains(typeof(TestPreprocessing).FullName!, json, StringComparison.Ordinal);
        Assert.Contains("Pipelines.Tests " + mvid, json, StringComparison.Ordinal);
        Assert.NotEqual(json, b.Bind(s_binding).OptionsJson);
        Assert.Equal(json, a.Bind(s_binding).OptionsJson);
        var reasons = CacheKey.ExplainDifferences(
            new CacheKey("T", "1", json, [], [], new Dictionary<string, string>()),
            new CacheKey("T", "1", b.Bind(s_binding).OptionsJson, [], [], new Dictionary<string, string>()));
        Assert.Contains(reasons, r => r.Contains("'Preprocessing'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_ThreeSplits_WritesGraphIdvSplitsAndProperties()
    {
        using var temp = new TempDirectory();
        var examples = await ExamplesAsync(temp.Path, ("train", Gaussians(60, 1)), ("eval", Gaussians(30, 2)), ("test", Gaussians(9, 3)));
        var schema = await SchemaAsync(temp.Path, Schema("species", FeatureType.String));

        var (graph, transformed) = await TransformAsync(temp.Path, examples, schema, typeof(TestPreprocessing));

        Assert.True(File.Exists(Path.Combine(graph.Uri, "transform.zip")));
        using var description = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(graph.Uri, "preprocessing.json")));
        Assert.Equal(typeof(TestPreprocessing).FullName, description.RootElement.GetProperty("Type").GetString());
        Assert.Contains(typeof(TestPreprocessing).Assembly.ManifestModule.ModuleVersionId.ToString("N"), description.RootElement.GetProperty("Identity").GetString(), StringComparison.Ordinal);
        Assert.Equal(["train", "eval", "test"], transformed.SplitNames);
        Assert.Equal("idv", transformed.GetString("format"));
        Assert.Equal(60, transformed.GetInt64("row_count_train"));
        Assert.Equal(9, transformed.GetInt64("row_count_test"));

        var ml = new MLContext(1);
        var eval = ml.Data.LoadFromBinary(Path.Combine(transformed.SplitUri("eval"), "data.idv"));
        Assert.Equal(30, eval.GetRowCount());
        var features = eval.Schema["Features"];
        Assert.Equal(2 + 3, ((VectorDataViewType)features.Type).Size);
        Assert.Equal(NumberDataViewType.Single, ((VectorDataViewType)features.Type).ItemType);
        // The one-hot block stays marked as categorical in the IDV, so LightGBM can split on it as one categorical feature.
        Assert.NotNull(features.Annotations.Schema.GetColumnOrNull("CategoricalSlotRanges"));
        Assert.Equal(TextDataViewType.Instance, eval.Schema["species"].Type); // the raw label is kept for the Trainer
        Assert.Equal(Gaussians(30, 2)["species"].GetValue(0), eval.GetColumn<ReadOnlyMemory<char>>("species").First().ToString());

        var loaded = LoadModel(ml, Path.Combine(graph.Uri, "transform.zip"), out var rawSchema);
        Assert.Equal(["x1", "x2", "island", "species"], rawSchema.Select(c => c.Name));
        Assert.NotNull(loaded.GetOutputSchema(rawSchema).GetColumnOrNull("Features"));
    }

    [Fact]
    public async Task ExecuteAsync_SameInputTwice_WritesIdenticalFiles()
    {
        using var temp = new TempDirectory();
        var examples = await ExamplesAsync(temp.Path, ("train", Gaussians(3000, 1)), ("eval", Gaussians(500, 2)));
        var schema = await SchemaAsync(temp.Path, Schema("species", FeatureType.String));

        var (graphA, a) = await TransformAsync(temp.Path, examples, schema, typeof(TestPreprocessing));
        var (graphB, b) = await TransformAsync(temp.Path, examples, schema, typeof(TestPreprocessing));

        // Identical bytes give identical content hashes, so a re-run Transform does not force the Trainer to re-run.
        foreach (var split in new[] { "train", "eval" })
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(a.SplitUri(split), "data.idv")), await File.ReadAllBytesAsync(Path.Combine(b.SplitUri(split), "data.idv")));
        }

        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(graphA.Uri, "preprocessing.json")), await File.ReadAllTextAsync(Path.Combine(graphB.Uri, "preprocessing.json")));
    }

    [Fact]
    public async Task ExecuteAsync_Normalizer_IsFittedOnTrainOnly()
    {
        using var temp = new TempDirectory();
        var train = Table(Numeric("x1", 0, 5, 10), Numeric("x2", 1, 1, 1), Text("island", "a", "b", "a"), Text("species", "s", "t", "s"));
        var eval = Table(Numeric("x1", 20, 5), Numeric("x2", 1, 1), Text("island", "a", "a"), Text("species", "s", "t"));
        var examples = await ExamplesAsync(temp.Path, ("train", train), ("eval", eval));
        var schema = await SchemaAsync(temp.Path, Schema("species", FeatureType.String));

        var (_, transformed) = await TransformAsync(temp.Path, examples, schema, typeof(NormalizingPreprocessing));

        var ml = new MLContext(1);
        double[] Scaled(string split) => [.. ml.Data.LoadFromBinary(Path.Combine(transformed.SplitUri(split), "data.idv")).GetColumn<double>("x1_scaled")];
        Assert.Equal([0, 0.5, 1], Scaled("train").Select(v => Math.Round(v, 6)));
        // Train's min 0 and max 10 are applied to eval: 20 -> 2, which an eval-fitted scaler would have mapped to 1.
        Assert.Equal([2, 0.5], Scaled("eval").Select(v => Math.Round(v, 6)));
    }

    [Fact]
    public async Task ExecuteAsync_SchemaColumnMissingFromData_ThrowsNamingColumn()
    {
        using var temp = new TempDirectory();
        var examples = await ExamplesAsync(temp.Path, ("train", Gaussians(12, 1)));
        var schema = await SchemaAsync(temp.Path, Schema("species", FeatureType.String) with
        {
            Features = [.. Schema("species", FeatureType.String).Features, new FeatureSchema("bill_length", FeatureType.Float)],
        });

        var e = await Assert.ThrowsAsync<DataValidationException>(() => TransformAsync(temp.Path, examples, schema, typeof(TestPreprocessing)));

        Assert.Contains("feature column 'bill_length' (schema type 'float') is missing from the data", e.Message, StringComparison.Ordinal);
        Assert.Contains("Split 'train'", e.Message, StringComparison.Ordinal);
        Assert.Contains("x1 (numeric)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ColumnOfWrongKind_ThrowsNamingColumnSchemaTypeAndDataKind()
    {
        using var temp = new TempDirectory();
        var examples = await ExamplesAsync(temp.Path, ("train", Gaussians(12, 1)));
        var schema = await SchemaAsync(temp.Path, new DataSchema(
            [new FeatureSchema("x1", FeatureType.String), new FeatureSchema("x2", FeatureType.Float), new FeatureSchema("island", FeatureType.String), new FeatureSchema("species", FeatureType.String)],
            "species"));

        var e = await Assert.ThrowsAsync<DataValidationException>(() => TransformAsync(temp.Path, examples, schema, typeof(TestPreprocessing)));

        Assert.Contains("feature column 'x1' has schema type 'string' but the data holds numeric values", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_SkippedSchemaColumnMissing_IsIgnored()
    {
        using var temp = new TempDirectory();
        var examples = await ExamplesAsync(temp.Path, ("train", Gaussians(12, 1)));
        var schema = await SchemaAsync(temp.Path, Schema("species", FeatureType.String) with
        {
            Features = [.. Schema("species", FeatureType.String).Features, new FeatureSchema("comment", FeatureType.String, Skip: true)],
        });

        var (_, transformed) = await TransformAsync(temp.Path, examples, schema, typeof(TestPreprocessing));

        Assert.Equal(12, transformed.GetInt64("row_count_train"));
    }

    [Fact]
    public async Task ExecuteAsync_NoTrainSplit_ThrowsNamingSplits()
    {
        using var temp = new TempDirectory();
        var examples = await ExamplesAsync(temp.Path, ("eval", Gaussians(12, 1)));
        var schema = await SchemaAsync(temp.Path, Schema("species", FeatureType.String));

        var e = await Assert.ThrowsAsync<DataValidationException>(() => TransformAsync(temp.Path, examples, schema, typeof(TestPreprocessing)));

        Assert.Contains("no 'train' split", e.Message, StringComparison.Ordinal);
        Assert.Contains("splits: eval", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_PreprocessingUsesUnknownColumn_ThrowsNamingPreprocessingAndColumns()
    {
        using var temp = new TempDirectory();
        var examples = await ExamplesAsync(temp.Path, ("train", Gaussians(12, 1)));
        var schema = await SchemaAsync(temp.Path, Schema("species", FeatureType.String));

        var e = await Assert.ThrowsAsync<DataValidationException>(() => TransformAsync(temp.Path, examples, schema, typeof(BrokenPreprocessing)));

        Assert.Contains(typeof(BrokenPreprocessing).FullName!, e.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_column", e.Message, StringComparison.Ordinal);
        Assert.Contains("island (String)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_PreprocessingContext_SplitsFeaturesByKindWithoutLabel()
    {
        using var temp = new TempDirectory();
        var examples = await ExamplesAsync(temp.Path, ("train", Gaussians(12, 1)));
        var schema = await SchemaAsync(temp.Path, Schema("species", FeatureType.String));

        var (graph, _) = await TransformAsync(temp.Path, examples, schema, typeof(TestPreprocessing));

        var description = JsonSerializer.Deserialize<PreprocessingDescription>(await File.ReadAllTextAsync(Path.Combine(graph.Uri, "preprocessing.json")))!;
        Assert.Equal("species", description.LabelColumn);
        Assert.Equal(["x1", "x2"], description.NumericFeatures);
        Assert.Equal(["island"], description.TextFeatures);
    }
}
