namespace Pipelines.Components;

/// <summary>
/// A fairness bound: across the slices of <paramref name="SliceColumn"/> with at least
/// <see cref="EvaluatorOptions.MinSliceSize"/> rows, <c>max(metric) - min(metric) &lt;= MaxGap</c> (inclusive), e.g. accuracy
/// may differ by at most 0.05 between islands. A slice on which the metric cannot be computed fails the threshold.
/// </summary>
/// <param name="Metric">A metric name of <see cref="MetricNames"/>.</param>
/// <param name="SliceColumn">A column of <see cref="EvaluatorOptions.SliceColumns"/>.</param>
/// <param name="MaxGap">The largest allowed difference between the best and the worst slice.</param>
public sealed record SliceGapThreshold(string Metric, string SliceColumn, double MaxGap);
