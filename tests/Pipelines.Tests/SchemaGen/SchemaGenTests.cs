using System.Security.Cryptography;
using Pipelines.Components;
using Pipelines.Tests.StatisticsGen;
using Pipelines.Validation;
using static Pipelines.Tests.StatisticsGen.ValidationTestData;

namespace Pipelines.Tests.SchemaGen;

public sealed class SchemaGenTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Constructor_BadOptions_ThrowNamingTheOption()
    {
        var statistics = new ExamplesSource().Statistics;

        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => new Components.SchemaGen(statistics, new SchemaGenOptions { MaxDomainSize = -1 }));
        var taskOnly = Assert.Throws<ArgumentException>(() => new Components.SchemaGen(statistics, new SchemaGenOptions { Task = LearningTask.Regression }));

        Assert.Contains("SchemaGenOptions.MaxDomainSize", negative.Message, StringComparison.Ordinal);
        Assert.Contains("SchemaGenOptions.LabelColumn", taskOnly.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_NoCuratedPath_DefaultsToPipelineFileInSchemaDirectory()
    {
        var binding = Bind(new SchemaGenOptions());

        var expected = Path.Combine(_temp.Path, "penguin.schema.json");
        Assert.Contains(System.Text.Json.JsonSerializer.Serialize(expected), binding.OptionsJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveExternalInputsAsync_NoCuratedFile_FactSaysInferred()
    {
        var external = await Bind(new SchemaGenOptions()).ResolveExternalInputsAsync(CancellationToken.None);

        Assert.Empty(external.Files);
        Assert.Equal("inferred", external.Facts["schema_source"]);
    }

    [Fact]
    public async Task ResolveExternalInputsAsync_CuratedFile_ReturnsFileWithSha256AndCuratedFact()
    {
        var path = Path.Combine(_temp.Path, "penguin.schema.json");
        await File.WriteAllTextAsync(path, Curated);

        var external = await Bind(new SchemaGenOptions()).ResolveExternalInputsAsync(CancellationToken.None);

        var file = Assert.Single(external.Files);
        Assert.Equal(path, file.Path);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path))), file.ContentHash);
        Assert.Equal("curated", external.Facts["schema_source"]);
    }

    [Fact]
    public async Task ExecuteAsync_CuratedFileExists_CuratedSchemaWinsOverInference()
    {
        await File.WriteAllTextAsync(Path.Combine(_temp.Path, "penguin.schema.json"), Curated);
        var binding = Bind(new SchemaGenOptions { LabelColumn = "Species" });
        var (context, output) = await ContextAsync(await binding.ResolveExternalInputsAsync(CancellationToken.None));

        await binding.ExecuteAsync(context, CancellationToken.None);

        var schema = await DataSchema.LoadAsync(output, CancellationToken.None);
        var feature = Assert.Single(schema.Features);
        Assert.Equal(new ValueRange(0, 10), feature.Range);
        Assert.Equal("curated", context.OutputProperties("schema")["schema_source"].GetString());
    }

    [Fact]
    public async Task ExecuteAsync_NoCuratedFile_InfersFromStatistics()
    {
        var binding = Bind(new SchemaGenOptions { LabelColumn = "Species" });
        var (context, output) = await ContextAsync(await binding.ResolveExternalInputsAsync(CancellationToken.None));

        await binding.ExecuteAsync(context, CancellationToken.None);

        var schema = await DataSchema.LoadAsync(output, CancellationToken.None);
        Assert.Equal(["Species", "Body Mass (g)"], schema.Features.Select(f => f.Name));
        Assert.Equal("Species", schema.LabelColumn);
        Assert.Equal("inferred", context.OutputProperties("schema")["schema_source"].GetString());
        Assert.Equal(SchemaSource.Inferred, schema.Source);
        Assert.StartsWith("{\n  \"source\": \"inferred\",", (await File.ReadAllTextAsync(output.FilePath)).ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_CuratedFileExportedWithSourceInferred_RecordedAsCurated()
    {
        // export-schema copies an inferred schema.json verbatim, "source": "inferred" included; once curated it is curated.
        await File.WriteAllTextAsync(Path.Combine(_temp.Path, "penguin.schema.json"), Curated.Replace("{ \"features\"", "{ \"source\": \"inferred\", \"features\"", StringComparison.Ordinal));
        var binding = Bind(new SchemaGenOptions());
        var (context, output) = await ContextAsync(await binding.ResolveExternalInputsAsync(CancellationToken.None));

        await binding.ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(SchemaSource.Curated, (await DataSchema.LoadAsync(output, CancellationToken.None)).Source);
    }

    [Fact]
    public async Task ExecuteAsync_CuratedFileWithoutSource_RecordedAsCurated()
    {
        await File.WriteAllTextAsync(Path.Combine(_temp.Path, "penguin.schema.json"), Curated);
        var binding = Bind(new SchemaGenOptions());
        var (context, output) = await ContextAsync(await binding.ResolveExternalInputsAsync(CancellationToken.None));

        await binding.ExecuteAsync(context, CancellationToken.None);

        Assert.Equal(SchemaSource.Curated, (await DataSchema.LoadAsync(output, CancellationToken.None)).Source);
    }

    [Fact]
    public async Task ExecuteAsync_CuratedFileDoesNotParse_ThrowsNamingFileAndPosition()
    {
        var path = Path.Combine(_temp.Path, "penguin.schema.json");
        await File.WriteAllTextAsync(path, "{\n  \"features\": [\n    { \"name\": \"x\", \"type\": }\n  ]\n}");
        var binding = Bind(new SchemaGenOptions());
        var (context, _) = await ContextAsync(await binding.ResolveExternalInputsAsync(CancellationToken.None));

        var e = await Assert.ThrowsAsync<DataValidationException>(() => binding.ExecuteAsync(context, CancellationToken.None));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("line 3, position", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_CuratedFileChangedAfterResolution_ThrowsAskingToRunAgain()
    {
        var path = Path.Combine(_temp.Path, "penguin.schema.json");
        await File.WriteAllTextAsync(path, Curated);
        var binding = Bind(new SchemaGenOptions());
        var (context, _) = await ContextAsync(await binding.ResolveExternalInputsAsync(CancellationToken.None));
        await File.WriteAllTextAsync(path, Curated.Replace("10", "11", StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<DataValidationException>(() => binding.ExecuteAsync(context, CancellationToken.None));

        Assert.Contains("changed after the cache lookup", e.Message, StringComparison.Ordinal);
    }

    private const string Curated = """{ "features": [ { "name": "Body Mass (g)", "type": "float", "range": { "min": 0, "max": 10 } } ] }""";

    private NodeBinding Bind(SchemaGenOptions options) =>
        new Components.SchemaGen(new ExamplesSource().Statistics, options).Bind(new BindingContext("penguin", new Dictionary<string, string>(), _temp.Path));

    private async Task<(ExecutorContext Context, Schema Output)> ContextAsync(ExternalInputs external)
    {
        var statistics = await WriteStatisticsAsync(_temp.Path, 1, Stats(null, Split("train", Text("Species", "Adelie", "Gentoo"), Numeric("Body Mass (g)", 3000, 4000))));
        var output = Artifact<Schema>(2, _temp.Combine("schema-out"));
        var context = Context("SchemaGen", new Dictionary<string, IReadOnlyList<Artifact>> { ["statistics"] = [statistics] }, "schema", output, external);
        return (context, output);
    }
}
