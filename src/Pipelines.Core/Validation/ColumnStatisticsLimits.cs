namespace Pipelines.Validation;

/// <summary>Sizes of the statistics StatisticsGen computes, fixed so statistics of different runs stay comparable.</summary>
public static class ColumnStatisticsLimits
{
    /// <summary>Top values kept per text column (TFX keeps 20).</summary>
    public const int TopValues = 20;

    /// <summary>A text column's full value counts are kept only up to this many distinct values (drift needs them);
    /// above it <see cref="TextStatistics.ValueCounts"/> is null and text drift is not computed.</summary>
    public const int MaxValueCounts = 1000;

    /// <summary>Equal-width histogram buckets per numeric column (TFX's standard histogram has 10).</summary>
    public const int HistogramBuckets = 10;

    /// <summary>Quantiles per numeric column: the 11 deciles at 0, 0.1, ..., 1.</summary>
    public const int Quantiles = 11;
}
