using Pipelines.Components;
using Pipelines.Tests.StatisticsGen;
using Pipelines.Validation;
using static Pipelines.Tests.StatisticsGen.ValidationTestData;

namespace Pipelines.Tests.ExampleValidator;

public sealed class ExampleValidatorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ResolvedInputPorts_WiredStatistics_BaselineResolverTargetsTheProducer()
    {
        var source = new ExamplesSource("MyStats");

        var node = new Components.ExampleValidator(source.Statistics, source.Schema);

        var port = Assert.Single(node.ResolvedInputPorts);
        Assert.Equal("baseline_statistics", port.Name);
        Assert.Equal(typeof(ExampleStatistics), port.ArtifactType);
        var resolver = Assert.IsType<PreviousSpanStatisticsResolver>(port.Resolver);
        Assert.Equal(("MyStats", "statistics"), (resolver.ProducerNodeId, resolver.OutputPort));
        Assert.Equal("anomalies", node.Outputs.Anomalies.Port);
        Assert.Equal(["statistics", "schema", "serving_statistics"], node.InputPorts.Select(p => p.Name));
    }

    [Fact]
    public async Task ExecuteAsync_Errors_WritesAnomaliesThenThrowsListingEveryError()
    {
        var statistics = Stats(5,
            Split("train", Text("Species", "Adelie", "Gentoo"), Numeric("Mass", 3000, 3500)),
            Split("eval", Text("Species", "Mars", "Adelie"), Numeric("Mass", double.NaN, 3500), Numeric("Extra", 1, 2)));
        var (context, output) = await ContextAsync(statistics, null);

        var e = await Assert.ThrowsAsync<DataValidationException>(() => Execute(context, new ExampleValidatorOptions()));

        var report = await AnomalyReport.LoadAsync(output, CancellationToken.None);
        Assert.Equal(2, report.ErrorCount);
        Assert.Equal(1, report.WarningCount);
        var lines = e.Message.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.StartsWith("ExampleValidator 'ExampleValidator' found 2 data error(s) in span 5 (full report: ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("  split 'eval', column 'Species': Column 'Species' in split 'eval' has 1 value(s) outside the schema domain", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("  split 'eval', column 'Mass': Column 'Mass' in split 'eval' misses a value", lines[2], StringComparison.Ordinal);
        Assert.Equal("  (and 1 warning(s), in the report)", lines[3]);
        Assert.Contains("FailOnErrors = false", lines[4], StringComparison.Ordinal);
        Assert.Equal(2, context.OutputProperties("anomalies")["errors"].GetInt32());
        Assert.Equal(1, context.OutputProperties("anomalies")["warnings"].GetInt32());
        Assert.Equal(5, context.OutputProperties("anomalies")["span"].GetInt64());
        Assert.Equal("[\"train\",\"eval\"]", context.OutputProperties("anomalies")["split_names"].GetString());
    }

    [Fact]
    public async Task ExecuteAsync_Errors_ThrowsAskingToPublishTheCompleteAnomaliesOutput()
    {
        var statistics = Stats(5, Split("train", Text("Species", "Mars", "Adelie"), Numeric("Mass", 3000, 3500)));
        var (context, output) = await ContextAsync(statistics, null);

        var e = await Assert.ThrowsAsync<DataValidationException>(() => Execute(context, new ExampleValidatorOptions()));

        Assert.Equal(["anomalies"], e.OutputsToPublish);
        Assert.True(File.Exists(output.FilePath));
        var properties = context.OutputProperties("anomalies");
        Assert.Equal(0, properties["blessed"].GetInt32());
        Assert.Equal(1, properties["errors"].GetInt32());
        Assert.Equal(0, properties["warnings"].GetInt32());
        Assert.Equal(1, properties["statistics_id"].GetInt64());
    }

    [Fact]
    public async Task ExecuteAsync_NoErrors_BlessedOne()
    {
        var statistics = Stats(5, Split("train", Text("Species", "Gentoo", "Adelie"), Numeric("Mass", 3000, 3500)));
        var (context, _) = await ContextAsync(statistics, null);

        await Execute(context, new ExampleValidatorOptions());

        Assert.Equal(1, context.OutputProperties("anomalies")["blessed"].GetInt32());
        Assert.Equal(0, context.OutputProperties("anomalies")["errors"].GetInt32());
    }

    [Fact]
    public async Task ExecuteAsync_InferredSchema_DatasetLevelWarningNamingExportSchemaAndTheCuratedFile()
    {
        var statistics = Stats(null, Split("train", Text("Species", "Gentoo", "Adelie"), Numeric("Mass", 3000, 3500)));
        var log = new List<string>();
        var (context, output) = await ContextAsync(statistics, null, SchemaSource.Inferred, log);

        await Execute(context, new ExampleValidatorOptions());

        var report = await AnomalyReport.LoadAsync(output, CancellationToken.None);
        var warning = Assert.Single(report.Anomalies);
        Assert.Equal((AnomalyKind.InferredSchema, AnomalySeverity.Warning, "*", null), (warning.Kind, warning.Severity, warning.Split, warning.Column));
        Assert.StartsWith("The schema was inferred from the data it validates (there is no curated schemas/penguin.schema.json)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("export-schema", warning.Message, StringComparison.Ordinal);
        Assert.Equal(1, context.OutputProperties("anomalies")["blessed"].GetInt32());
        Assert.Contains(log, l => l.StartsWith("[Warning] dataset: The schema was inferred", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_CuratedSchema_NoInferredSchemaWarning()
    {
        var statistics = Stats(null, Split("train", Text("Species", "Gentoo", "Adelie"), Numeric("Mass", 3000, 3500)));
        var (context, output) = await ContextAsync(statistics, null, SchemaSource.Curated);

        await Execute(context, new ExampleValidatorOptions());

        Assert.Empty((await AnomalyReport.LoadAsync(output, CancellationToken.None)).Anomalies);
    }

    [Fact]
    public async Task ExecuteAsync_ErrorsAndFailOnErrorsOff_RecordsWithoutThrowing()
    {
        var statistics = Stats(null, Split("train", Text("Species", "Mars"), Numeric("Mass", 3000)));
        var (context, output) = await ContextAsync(statistics, null);

        await Execute(context, new ExampleValidatorOptions { FailOnErrors = false });

        var report = await AnomalyReport.LoadAsync(output, CancellationToken.None);
        Assert.True(report.HasErrors);
        Assert.Equal(AnomalyKind.UnexpectedCategoricalValues, Assert.Single(report.Anomalies).Kind);
        Assert.False(context.OutputProperties("anomalies").ContainsKey("span"));
    }

    [Fact]
    public async Task ExecuteAsync_BaselineOnResolvedPort_ChecksDrift()
    {
        var baseline = Stats(4, Split("train", Text("Species", "Adelie", "Adelie", "Adelie", "Gentoo"), Numeric("Mass", 3000, 3000, 3000, 3000)));
        var current = Stats(5, Split("train", Text("Species", "Gentoo", "Gentoo", "Gentoo", "Adelie"), Numeric("Mass", 3000, 3000, 3000, 3000)));
        var (context, output) = await ContextAsync(current, baseline);

        await Assert.ThrowsAsync<DataValidationException>(() => Execute(context, new ExampleValidatorOptions()));

        var report = await AnomalyReport.LoadAsync(output, CancellationToken.None);
        var drift = Assert.Single(report.Anomalies);
        Assert.Equal((AnomalyKind.Drift, "Species"), (drift.Kind, drift.Column));
        Assert.Equal((5L, 4L, true), (report.Span, report.BaselineSpan, report.HasBaseline));
    }

    private static Task Execute(ExecutorContext context, ExampleValidatorOptions options) =>
        new ExampleValidatorExecutor().ExecuteAsync(context, options, CancellationToken.None);

    private async Task<(ExecutorContext Context, ExampleAnomalies Output)> ContextAsync(
        DatasetStatistics statistics, DatasetStatistics? baseline, SchemaSource? source = null, List<string>? log = null)
    {
        var schema = new DataSchema(
            [
                new FeatureSchema("Species", FeatureType.String, new FeaturePresence(1), ["Adelie", "Gentoo"], Drift: new DriftThresholds(LInfinity: 0.1)),
                new FeatureSchema("Mass", FeatureType.Int, new FeaturePresence(1), Drift: new DriftThresholds(JensenShannon: 0.1)),
            ])
        { Source = source };
        var inputs = new Dictionary<string, IReadOnlyList<Artifact>>
        {
            ["statistics"] = [await WriteStatisticsAsync(_temp.Path, 1, statistics)],
            ["schema"] = [await WriteSchemaAsync(_temp.Path, 2, schema)],
        };
        if (baseline is not null)
        {
            inputs["baseline_statistics"] = [await WriteStatisticsAsync(_temp.Path, 3, baseline)];
        }

        var output = Artifact<ExampleAnomalies>(4, _temp.Combine("anomalies"));
        return (Context("ExampleValidator", inputs, "anomalies", output, log: log), output);
    }
}
