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

    /// <summary>The statistics of one column.</summary>
    public static FeatureStatistics ComputeColumn(Column column) => column switch
    {
        NumericColumn n => NumericStatisticsCalculator.Compute(n),
        TextColumn t => TextStatisticsCalculator.Compute(t),
        null => throw new ArgumentNullException(nameof(column)),
        _ => throw new NotSupportedException($"Column '{column.Name}' has type {column.GetType().Name}, which statistics do not support."),
    };
}
