using Pipelines.Data;
using Pipelines.Validation;

namespace Pipelines.Components;

/// <summary>Computes the statistics of an in-memory table (what <see cref="StatisticsGen"/> does per split); usable on its own.</summary>
public static class StatisticsCalculator
{
    /// <summary>The statistics of every column of <paramref name="table"/>, computed in parallel.</summary>
    /// <param name="name">The split name recorded.</param>
    /// <param name="table">The split's rows.</param>
    /// <param name="maxDegreeOfParallelism">Columns computed at once; null = one per core.</param>
    /// <param name="cancellationToken">Stops the computation.</param>
    public static SplitStatistics ComputeSplit(string name, ColumnarTable table, int? maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var features = new FeatureStatistics[table.Columns.Count];
        var parallel = new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = maxDegreeOfParallelism is > 0 ? maxDegreeOfParallelism.Value : -1,
        };
        Parallel.For(0, features.Length, parallel, i => features[i] = ComputeColumn(table.Columns[i]));
        return new SplitStatistics(name, table.RowCount, features);
    }

    /// <summary>The statistics of several splits, every column of every split computed in one parallel loop (the largest
    /// columns first), so that the cores stay busy across split boundaries.</summary>
    /// <param name="splits">The splits' names and rows.</param>
    /// <param name="maxDegreeOfParallelism">Columns computed at once; null = one per core.</param>
    /// <param name="cancellationToken">Stops the computation.</param>
    public static IReadOnlyList<SplitStatistics> ComputeSplits(IReadOnlyList<(string Name, ColumnarTable Table)> splits, int? maxDegreeOfParallelism,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(splits);
        var work = splits.SelectMany((split, s) => split.Table.Columns.Select((column, c) => (Split: s, Column: c, column.Length))).OrderByDescending(w => w.Length).ToArray();
        var features = splits.Select(split => new FeatureStatistics[split.Table.Columns.Count]).ToArray();
        var parallel = new ParallelOptions
        {
            CancellationToken = cancellationToken,
            MaxDegreeOfParallelism = maxDegreeOfParallelism is > 0 ? maxDegreeOfParallelism.Value : -1,
        };
        Parallel.ForEach(work, parallel, w => features[w.Split][w.Column] = ComputeColumn(splits[w.Split].Table.Columns[w.Column]));
        return [.. splits.Select((split, s) => new SplitStatistics(split.Name, split.Table.RowCount, features[s]))];
    }

    /// <summary>The statistics of one column.</summary>
    public static FeatureStatistics ComputeColumn(Column column) => column switch
    {
        NumericColumn n => NumericStatisticsCalculator.Compute(n),
        TextColumn t => TextStatisticsCalculator.Compute(t),
        null => throw new ArgumentNullException(nameof(column)),
        _ => throw new NotSupportedException($"Column '{column.Name}' has type {column.GetType().Name}, which statistics do not support."),
    };
}
