using System.Text.Json;
using Pipelines.Data;
using Pipelines.Validation;

namespace Pipelines.Tests.StatisticsGen;

/// <summary>Small in-memory tables, artifacts and contexts for the StatisticsGen, SchemaGen and ExampleValidator tests.</summary>
internal static class ValidationTestData
{
    public static NumericColumn Numeric(string name, params double[] values) => new(name, values);

    public static NumericColumn Timestamps(string name, params double[] values) => new(name, values, ColumnKind.Timestamp);

    public static TextColumn Text(string name, params string?[] values)
    {
        var builder = new TextColumnBuilder(name);
        foreach (var v in values)
        {
            builder.Append(v);
        }

        return builder.Build();
    }

    public static ColumnarTable Table(params Column[] columns) => new(columns);

    public static SplitStatistics Split(string name, params Column[] columns) =>
        Components.StatisticsCalculator.ComputeSplit(name, Table(columns), 1, CancellationToken.None);

    public static DatasetStatistics Stats(long? span, params SplitStatistics[] splits) => new(splits, span);

    public static Dictionary<string, JsonElement> Properties(IEnumerable<string>? splits = null, long? span = null)
    {
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (splits is not null)
        {
            properties[SplitNamesProperty.Name] = JsonSerializer.SerializeToElement(SplitNamesProperty.Format(splits));
        }

        if (span is { } s)
        {
            properties["span"] = JsonSerializer.SerializeToElement(s);
        }

        return properties;
    }

    public static T Artifact<T>(long id, string uri, IReadOnlyDictionary<string, JsonElement>? properties = null, string? contentHash = null) where T : Pipelines.Artifact =>
        (T)Pipelines.Artifact.Create(typeof(T), id, uri, properties ?? new Dictionary<string, JsonElement>(), contentHash);

    /// <summary>Writes the splits with <see cref="ColumnarFormat"/> under <paramref name="directory"/> and returns the artifact.</summary>
    public static async Task<Examples> WriteExamplesAsync(string directory, long? span, params (string Name, ColumnarTable Table)[] splits)
    {
        var examples = Artifact<Examples>(1, directory, Properties(splits.Select(s => s.Name), span));
        foreach (var (name, table) in splits)
        {
            await ColumnarFormat.WriteAsync(table, examples.SplitUri(name), CancellationToken.None);
        }

        return examples;
    }

    /// <summary>Writes statistics into a new artifact directory under <paramref name="root"/>.</summary>
    public static async Task<ExampleStatistics> WriteStatisticsAsync(string root, long id, DatasetStatistics statistics)
    {
        var artifact = Artifact<ExampleStatistics>(id, Path.Combine(root, $"statistics-{id}"), Properties(statistics.Splits.Select(s => s.Name), statistics.Span));
        await statistics.SaveAsync(artifact.FilePath, CancellationToken.None);
        return artifact;
    }

    /// <summary>Writes a schema into a new artifact directory under <paramref name="root"/>.</summary>
    public static async Task<Schema> WriteSchemaAsync(string root, long id, DataSchema schema)
    {
        var artifact = Artifact<Schema>(id, Path.Combine(root, $"schema-{id}"));
        await schema.SaveAsync(artifact.FilePath, CancellationToken.None);
        return artifact;
    }

    /// <summary>A context with the given inputs and one pending output (its directory created empty).</summary>
    public static ExecutorContext Context(
        string nodeId,
        IReadOnlyDictionary<string, IReadOnlyList<Pipelines.Artifact>> inputs,
        string outputPort,
        Pipelines.Artifact output,
        ExternalInputs? external = null,
        List<string>? log = null)
    {
        Directory.CreateDirectory(output.Uri);
        return new ExecutorContext("penguin", nodeId, runId: 7, executionId: 70, inputs,
            new Dictionary<string, Pipelines.Artifact> { [outputPort] = output }, external ?? ExternalInputs.None, TimeProvider.System,
            log is null ? null : log.Add);
    }
}
