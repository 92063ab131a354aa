namespace Pipelines.Components;

/// <summary>
/// A bound on a metric's value (TFX <c>GenericValueThreshold</c>): the model passes when
/// <c>Lower &lt;= value &lt;= Upper</c> (both inclusive; an unset bound is open). A metric that cannot be computed fails
/// the threshold with the reason.
/// </summary>
/// <param name="Metric">A metric name of <see cref="MetricNames"/>, e.g. <c>"AUC"</c>, <c>"MicroAccuracy"</c>,
/// <c>"Recall[Gentoo]"</c>.</param>
/// <param name="Lower">Inclusive lower bound, or null.</param>
/// <param name="Upper">Inclusive upper bound, or null.</param>
/// <param name="Slice">Where it applies: null = overall; <c>"island=Biscoe"</c> = that slice; <c>"island=*"</c> = every slice
/// of that column (each judged on its own). On <c>overall</c> or a named slice smaller than
/// <see cref="EvaluatorOptions.MinSliceSize"/> (or without rows) the threshold fails with that reason; a <c>column=*</c>
/// threshold leaves its small slices out, and fails when none is large enough.</param>
public sealed record MetricThreshold(string Metric, double? Lower = null, double? Upper = null, string? Slice = null);
