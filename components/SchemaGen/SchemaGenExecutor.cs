using System.Security.Cryptography;
using System.Text;
using Pipelines.Validation;

namespace Pipelines.Components;

/// <summary>Runs <see cref="SchemaGen"/>: validates and copies the curated schema, or infers one from the statistics.</summary>
public sealed class SchemaGenExecutor : IExecutor<SchemaGenOptions>
{
    /// <inheritdoc />
    public async Task ExecuteAsync(ExecutorContext context, SchemaGenOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var output = context.Output<Schema>(SchemaGen.SchemaPort);

        // Follow what was resolved before the cache lookup, so the recorded cache key matches what ran.
        var curated = context.External.Facts.TryGetValue(SchemaGen.SchemaSourceFact, out var source)
            ? source == SchemaGen.Curated
            : options.CuratedSchemaPath is { } p && File.Exists(p);

        DataSchema schema;
        if (curated)
        {
            // Whatever the file says (export-schema copies an inferred schema, "source" included), it is now curated.
            schema = await LoadCuratedAsync(context, options, cancellationToken).ConfigureAwait(false) with { Source = SchemaSource.Curated };
            context.Log($"Using the curated schema '{options.CuratedSchemaPath}' ({schema.Features.Count} features).");
            if (options.LabelColumn is { } label && label != schema.LabelColumn)
            {
                context.Log($"Note: SchemaGenOptions.LabelColumn is '{label}' but the curated schema says '{schema.LabelColumn ?? "(none)"}'; the curated schema wins. Set \"labelColumn\" in it.");
            }
        }
        else
        {
            var statistics = await DatasetStatistics.LoadAsync(context.Input<ExampleStatistics>(SchemaGen.StatisticsPort), cancellationToken)
                .ConfigureAwait(false);
            schema = SchemaInference.Infer(statistics, options);
            context.Log($"Inferred a schema of {schema.Features.Count} features. To curate it, copy '{output.FilePath}' to '{options.CuratedSchemaPath}', edit and commit it.");
        }

        await schema.SaveAsync(output.FilePath, cancellationToken).ConfigureAwait(false);
        context.SetOutputProperty(SchemaGen.SchemaPort, "schema_source", curated ? SchemaGen.Curated : SchemaGen.Inferred);
    }

    private static async Task<DataSchema> LoadCuratedAsync(ExecutorContext context, SchemaGenOptions options, CancellationToken cancellationToken)
    {
        var path = options.CuratedSchemaPath
            ?? throw new InvalidOperationException($"Node '{context.NodeId}': a curated schema was resolved but SchemaGenOptions.CuratedSchemaPath is null.");
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException e)
        {
            throw new DataValidationException($"The curated schema '{path}' disappeared after the run started. Run again.", e);
        }

        var resolved = context.External.Files.FirstOrDefault(f => string.Equals(f.Path, Path.GetFullPath(path), StringComparison.Ordinal));
        if (resolved?.ContentHash is { } expected && Convert.ToHexStringLower(SHA256.HashData(bytes)) != expected)
        {
            throw new DataValidationException(
                $"The curated schema '{path}' changed after the cache lookup of this run (sha256 {expected[..12]}...). Run again to use the new content.");
        }

        return DataSchema.Parse(Encoding.UTF8.GetString(bytes), path);
    }
}
