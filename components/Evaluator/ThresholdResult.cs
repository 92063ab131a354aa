namespace Pipelines.Components;

/// <summary>The kind of a threshold.</summary>
public enum ThresholdKind
{
    /// <summary>A <see cref="MetricThreshold"/>.</summary>
    Value,

    /// <summary>A <see cref="ChangeThreshold"/>.</summary>
    Change,

    /// <summary>A <see cref="SliceGapThreshold"/>.</summary>
    SliceGap,
}

/// <summary>How a threshold was judged.</summary>
public enum ThresholdOutcome
{
    /// <summary>Within bounds.</summary>
    Passed,

    /// <summary>Out of bounds, or the metric could not be computed: blocks the blessing.</summary>
    Failed,

    /// <summary>Not applicable (a change threshold without a baseline on a first run; a small slice of a <c>column=*</c>
    /// threshold whose column has larger ones; a slice gap with fewer than two slices of the minimum size): does not block.</summary>
    Skipped,
}

/// <summary>The judgement of one threshold on one slice.</summary>
/// <param name="Kind">The threshold kind.</param>
/// <param name="Metric">The metric (stored name).</param>
/// <param name="Slice">The slice judged (<c>overall</c>, <c>island=Dream</c>, or <c>island=*</c> for slice gaps).</param>
/// <param name="Outcome">Passed, failed or skipped.</param>
/// <param name="Message">The judgement spelled out: metric, slice, value, bound, baseline value where relevant, reason.</param>
/// <param name="Value">The candidate's value (the gap, for slice gaps), when defined.</param>
/// <param name="Lower">The lower bound, when any.</param>
/// <param name="Upper">The upper bound (the maximum absolute degradation, or the maximum gap), when any.</param>
/// <param name="BaselineValue">The baseline's value, for change thresholds.</param>
/// <param name="MaxRelativeDegradation">A change threshold's relative bound (0.02 = 2 % of the baseline), when any: kept apart
/// from <paramref name="Upper"/>, which is absolute.</param>
public sealed record ThresholdResult(
    ThresholdKind Kind,
    string Metric,
    string Slice,
    ThresholdOutcome Outcome,
    string Message,
    double? Value = null,
    double? Lower = null,
    double? Upper = null,
    double? BaselineValue = null,
    double? MaxRelativeDegradation = null);
