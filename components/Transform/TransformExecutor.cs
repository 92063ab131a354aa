using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Pipelines.Data;
using Pipelines.Validation;

namespace Pipelines.Components;

/// <summary>Runs <see cref="Transform"/>: checks the splits against the schema, fits the preprocessing on the analyze split,
/// saves the fitted graph and writes every transformed split as binary IDV.</summary>
public sealed class TransformExecutor : IExecutor<TransformOptions>
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    /// <inheritdoc />
    public async Task ExecuteAsync(ExecutorContext context, TransformOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var preprocessingOption = $"{nameof(TransformOptions)}.{nameof(TransformOptions.Preprocessing)}";
        UserCodeType.Validate<IPreprocessing>(options.Preprocessing, preprocessingOption, "typeof(PenguinPreprocessing)");
        var preprocessingType = options.Preprocessing!;
        var examples = context.Input<Examples>(Transform.ExamplesPort);
        var schemaArtifact = context.Input<Schema>(Transform.SchemaPort);
        var graph = context.Output<TransformGraph>(Transform.TransformGraphPort);
        var transformed = options.Materialize ? context.Output<Examples>(Transform.TransformedExamplesPort) : null;

        var schema = await DataSchema.LoadAsync(schemaArtifact, cancellationToken).ConfigureAwait(false);
        var splits = examples.SplitNames;
        if (splits.Count == 0)
        {
            throw new DataValidationException(
                $"Node '{context.NodeId}': the examples artifact {examples.Id} at '{examples.Uri}' records no splits (property '{SplitNamesProperty.Name}'). Re-run the ExampleGen that produced it.");
        }

        if (!splits.Contains(options.AnalyzeSplit))
        {
            throw new DataValidationException(
                $"Node '{context.NodeId}': the examples artifact {examples.Id} has no '{options.AnalyzeSplit}' split to fit the preprocessing on (splits: {string.Join(", ", splits)}). " +
                $"Set {nameof(TransformOptions)}.{nameof(TransformOptions.AnalyzeSplit)} to one of them, or have ExampleGen write a '{options.AnalyzeSplit}' split.");
        }

        // Check every split against the schema before the (possibly long) fit, so a bad column fails in milliseconds.
        var preprocessingContext = PreprocessingContextFactory.Create(schema);
        foreach (var split in splits)
        {
            var directory = examples.SplitUri(split);
            PreprocessingContextFactory.CheckColumns(preprocessingContext, ColumnarFormat.ReadManifest(directory), split, directory);
        }

        var ml = new MLContext(options.Seed);

        // A cancelled run stops the analyze pass's estimators within an iteration, not after the fit.
        using var mlCancellation = MLContextCancellation.Link(ml, cancellationToken);
        var preprocessing = UserCodeType.Create<IPreprocessing>(preprocessingType, preprocessingOption);
        IEstimator<ITransformer> estimator;
        try
        {
            estimator = preprocessing.Build(ml, preprocessingContext)
                ?? throw new DataValidationException($"{preprocessingType.FullName}.Build returned null; return an ML.NET estimator (e.g. mlContext.Transforms.Concatenate(\"Features\", ...)).");
        }
        catch (Exception e) when (IsUserCodeError(e))
        {
            throw new DataValidationException($"{preprocessingType.FullName}.Build failed: {e.Message}", e);
        }

        // The analyze pass: fit on the analyze split only.
        var clock = Stopwatch.StartNew();
        ColumnarTable? analyzeTable = await ColumnarFormat.ReadAsync(examples.SplitUri(options.AnalyzeSplit), cancellationToken).ConfigureAwait(false);
        var analyzeView = new ColumnarDataView(analyzeTable);
        ITransformer transformer;
        try
        {
            transformer = estimator.Fit(analyzeView);

            // Checks the columns every step reads now (Concatenate, for one, only checks when transforming).
            transformer.GetOutputSchema(analyzeView.Schema);
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested)
        {
            // The cancelled context (MLContextCancellation) throws from inside the fit, maybe wrapped: the node was cancelled.
            throw new OperationCanceledException("The analyze pass was cancelled.", e, cancellationToken);
        }
        catch (Exception e) when (IsUserCodeError(e))
        {
            throw new DataValidationException(
                $"The preprocessing {preprocessingType.FullName} failed to fit on split '{options.AnalyzeSplit}': {e.Message} Raw columns: {Describe(analyzeView.Schema)}.", e);
        }

        cancellationToken.ThrowIfCancellationRequested();
        ml.Model.Save(transformer, analyzeView.Schema, Path.Combine(graph.Uri, Transform.TransformFileName));
        context.Log($"Fitted {preprocessingType.Name} on '{options.AnalyzeSplit}' ({analyzeTable.RowCount} rows) in {clock.Elapsed.TotalSeconds:F2} s.");

        var description = new PreprocessingDescription(
            preprocessingType.FullName ?? preprocessingType.Name,
            preprocessingType.AssemblyQualifiedName ?? preprocessingType.Name,
            UserCodeType.IdentityOf(preprocessingType),
            options.AnalyzeSplit,
            preprocessingContext.LabelColumn,
            preprocessingContext.NumericFeatures,
            preprocessingContext.TextFeatures);
        await File.WriteAllTextAsync(Path.Combine(graph.Uri, Transform.PreprocessingFileName), JsonSerializer.Serialize(description, s_json), cancellationToken)
            .ConfigureAwait(false);

        if (transformed is null)
        {
            context.Log($"{nameof(TransformOptions.Materialize)} = false: no transformed examples written; the Trainer applies the graph while it reads the raw examples.");
            return;
        }

        // Transform every split, as many at once as there are cores (ML.NET's transform chain and binary writer run on one thread
        // per split): on 2 cores the eval split is transformed while the train split is, at the cost of holding both in memory.
        // Each split is written alone, so its bytes do not depend on the others or on the order.
        var fitted = transformer;
        var analyzed = analyzeTable;
        analyzeTable = null;
        using var cores = new SemaphoreSlim(Math.Max(1, Environment.ProcessorCount));
        var results = await Task.WhenAll(splits.OrderBy(s => s == options.AnalyzeSplit ? 0 : 1).Select(split => Task.Run(async () =>
        {
            await cores.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var table = split == options.AnalyzeSplit ? analyzed : null;
                analyzed = split == options.AnalyzeSplit ? null : analyzed;
                return await TransformSplitAsync(split, table, fitted, examples, transformed, options, preprocessingContext, preprocessingType, cancellationToken)
                    .ConfigureAwait(false);
            }
            finally
            {
                cores.Release();
            }
        }, cancellationToken))).ConfigureAwait(false);

        foreach (var result in results)
        {
            if (!result.Deterministic)
            {
                context.Log($"Split '{result.Split}' written with ML.NET's default binary writer: its bytes may differ between runs of the same input.");
            }

            context.SetOutputProperty(Transform.TransformedExamplesPort, $"row_count_{result.Split}", result.Rows);
            context.Log($"Transformed '{result.Split}': {result.Rows} rows in {result.Seconds:F2} s.");
        }

        context.SetOutputProperty(Transform.TransformedExamplesPort, SplitNamesProperty.Name, SplitNamesProperty.Format(splits));
        context.SetOutputProperty(Transform.TransformedExamplesPort, "format", Transform.IdvFormat);
        if (examples.GetInt64("span") is { } span)
        {
            context.SetOutputProperty(Transform.TransformedExamplesPort, "span", span);
        }
    }

    private static async Task<SplitResult> TransformSplitAsync(string split, ColumnarTable? loaded, ITransformer transformer, Examples examples, Examples transformed,
        TransformOptions options, PreprocessingContext preprocessingContext, Type preprocessingType, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var table = loaded ?? await ColumnarFormat.ReadAsync(examples.SplitUri(split), cancellationToken).ConfigureAwait(false);

        // A context per split: MLContext is not meant to be shared between threads.
        var ml = new MLContext(options.Seed);
        IDataView output;
        try
        {
            output = transformer.Transform(new ColumnarDataView(table));
            if (options.OutputColumns is { } keep)
            {
                var wanted = keep.Concat(preprocessingContext.LabelColumn is { } l ? [l] : []).Distinct(StringComparer.Ordinal).ToArray();
                var absent = wanted.Where(c => output.Schema.GetColumnOrNull(c) is null).ToList();
                if (absent.Count > 0)
                {
                    throw new DataValidationException(
                        $"{nameof(TransformOptions)}.{nameof(TransformOptions.OutputColumns)} names {string.Join(", ", absent.Select(a => $"'{a}'"))}, which the preprocessing does not output. Columns: {string.Join(", ", output.Schema.Where(c => !c.IsHidden).Select(c => c.Name))}.");
                }

                output = ml.Transforms.SelectColumns(wanted).Fit(output).Transform(output);
            }
        }
        catch (Exception e) when (IsUserCodeError(e))
        {
            throw new DataValidationException($"The preprocessing {preprocessingType.FullName} cannot transform split '{split}': {e.Message} Raw columns: {Describe(table)}.", e);
        }

        var directory = transformed.SplitUri(split);
        Directory.CreateDirectory(directory);
        bool deterministic;
        try
        {
            await using var stream = new FileStream(Path.Combine(directory, Transform.DataFileName), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            deterministic = IdvWriter.Save(ml, output, stream);
        }
        catch (Exception e) when (IsUserCodeError(e))
        {
            throw new DataValidationException($"The preprocessing {preprocessingType.FullName} failed on a row of split '{split}': {e.Message}", e);
        }

        return new SplitResult(split, table.RowCount, clock.Elapsed.TotalSeconds, deterministic);
    }

    private sealed record SplitResult(string Split, long Rows, double Seconds, bool Deterministic);

    private static bool IsUserCodeError(Exception e) =>
        e is InvalidOperationException or ArgumentException or FormatException or KeyNotFoundException or NotSupportedException
            or InvalidCastException or IndexOutOfRangeException or NullReferenceException;

    private static string Describe(ColumnarTable table) => Describe(new ColumnarDataView(table).Schema);

    internal static string Describe(DataViewSchema schema) =>
        string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"{c.Name} ({c.Type})"));
}

/// <summary>The <c>preprocessing.json</c> of a <see cref="TransformGraph"/>.</summary>
/// <param name="Type">The preprocessing class's full name.</param>
/// <param name="AssemblyQualifiedName">Its assembly-qualified name, to load its assembly (custom mappings) with the graph.</param>
/// <param name="Identity">Full name, assembly name and MVID: the code that fitted the graph.</param>
/// <param name="AnalyzeSplit">The split the graph was fitted on.</param>
/// <param name="LabelColumn">The label column from the schema.</param>
/// <param name="NumericFeatures">The numeric and timestamp features handed to the preprocessing.</param>
/// <param name="TextFeatures">The text features handed to the preprocessing.</param>
public sealed record PreprocessingDescription(
    string Type,
    string AssemblyQualifiedName,
    string Identity,
    string AnalyzeSplit,
    string? LabelColumn,
    IReadOnlyList<string> NumericFeatures,
    IReadOnlyList<string> TextFeatures);
