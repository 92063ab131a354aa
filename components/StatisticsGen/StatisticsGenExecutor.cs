using Pipelines.Data;
using Pipelines.Validation;

namespace Pipelines.Components;

/// <summary>Runs <see cref="StatisticsGen"/>: reads each split, computes its statistics, writes <c>statistics.json</c>.</summary>
public sealed class StatisticsGenExecutor : IExecutor<StatisticsGenOptions>
{
    /// <inheritdoc />
    public async Task ExecuteAsync(ExecutorContext context, StatisticsGenOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var examples = context.Input<Examples>(StatisticsGen.ExamplesPort);
        var output = context.Output<ExampleStatistics>(StatisticsGen.StatisticsPort);
        var splitNames = examples.SplitNames;
        if (splitNames.Count == 0)
        {
            throw new DataValidationException(
                $"Node '{context.NodeId}': the examples artifact {examples.Id} at '{examples.Uri}' records no splits (property '{SplitNamesProperty.Name}'). Re-run the ExampleGen that produced it.");
        }

        // The splits are read side by side and their columns computed in one parallel loop: per split, a few columns on two
        // cores left one idle at the end of each split. Together the splits are the size of ExampleGen's table, which the
        // node before this one held.
        var tables = await Task.WhenAll(splitNames.Select(split => Task.Run(() => ColumnarFormat.ReadAsync(examples.SplitUri(split), cancellationToken), cancellationToken)))
            .ConfigureAwait(false);
        var splits = StatisticsCalculator.ComputeSplits([.. splitNames.Select((split, i) => (split, tables[i]))], options.MaxDegreeOfParallelism, cancellationToken);
        foreach (var statistics in splits)
        {
            context.Log($"Split '{statistics.Name}': {statistics.RowCount} rows, {statistics.Features.Count} columns.");
        }

        var span = examples.GetInt64("span");
        await new DatasetStatistics(splits, span).SaveAsync(output.FilePath, cancellationToken).ConfigureAwait(false);
        context.SetOutputProperty(StatisticsGen.StatisticsPort, SplitNamesProperty.Name, SplitNamesProperty.Format(splitNames));
        if (span is { } s)
        {
            context.SetOutputProperty(StatisticsGen.StatisticsPort, "span", s);
        }
    }
}
