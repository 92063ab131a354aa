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

        var splits = new List<SplitStatistics>(splitNames.Count);
        foreach (var split in splitNames)
        {
            // One split in memory at a time; its columns are computed in parallel.
            var table = await ColumnarFormat.ReadAsync(examples.SplitUri(split), cancellationToken).ConfigureAwait(false);
            var statistics = StatisticsCalculator.ComputeSplit(split, table, options.MaxDegreeOfParallelism, cancellationToken);
            splits.Add(statistics);
            context.Log($"Split '{split}': {statistics.RowCount} rows, {statistics.Features.Count} columns.");
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
