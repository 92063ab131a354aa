namespace Pipelines.Components;

/// <summary>
/// A bound on how much a metric may degrade against the baseline model (the latest blessed model, evaluated on the same eval
/// rows in the same execution; TFX <c>GenericChangeThreshold</c>). The degradation is <c>baseline - candidate</c> for
/// <see cref="ChangeDirection.HigherIsBetter"/> and <c>candidate - baseline</c> for <see cref="ChangeDirection.LowerIsBetter"/>;
/// the model passes when <c>degradation &lt;= MaxAbsoluteDegradation</c> and <c>degradation / |baseline| &lt;=
/// MaxRelativeDegradation</c> (inclusive, with a rounding tolerance of 1e-9 so that 0.80 - 0.79 is
/// "at most 0.01"). A negative bound demands an improvement of at least that much. Without a baseline
/// (the first run) change thresholds are skipped with a note, as TFX's "rubber stamp".
/// </summary>
/// <param name="Metric">A metric name of <see cref="MetricNames"/>.</param>
/// <param name="Direction">Which way the metric improves.</param>
/// <param name="MaxAbsoluteDegradation">Largest allowed degradation in metric units (e.g. 0.01 AUC), or null.</param>
/// <param name="MaxRelativeDegradation">Largest allowed degradation as a fraction of the baseline value (e.g. 0.02 = 2 %),
/// or null. At least one of the two must be set.</param>
/// <param name="Slice">null = overall, or <c>"column=value"</c> / <c>"column=*"</c> as in <see cref="MetricThreshold.Slice"/>.</param>
public sealed record ChangeThreshold(
    string Metric,
    ChangeDirection Direction,
    double? MaxAbsoluteDegradation = null,
    double? MaxRelativeDegradation = null,
    string? Slice = null);
