namespace Pipelines.Components;

/// <summary>What an <see cref="EvaluationWarning"/> is about. JSON: the camelCase name.</summary>
public enum EvaluationWarningKind
{
    /// <summary>A metric cannot be computed (a single class, no positive prediction, a constant label, an empty slice):
    /// its value is null and a threshold on it fails with the warning's message.</summary>
    MetricUndefined,

    /// <summary>A slice (<c>overall</c> included) has fewer rows than <see cref="EvaluatorOptions.MinSliceSize"/>: its metrics
    /// are reported, a threshold naming it (or <c>overall</c>) fails with this reason, and <c>column=*</c> thresholds and slice
    /// gaps leave it out (a <c>column=*</c> threshold fails when none of the column's slices is large enough).</summary>
    SmallSlice,

    /// <summary>Rows without a label were left out of every metric.</summary>
    MissingLabels,

    /// <summary>Label values the model never predicts (classes unseen in training).</summary>
    UnknownLabel,

    /// <summary>The baseline model could not be loaded or scored: change thresholds fail.</summary>
    BaselineUnavailable,

    /// <summary>The model's predictor exposes no GBDT gain importance.</summary>
    GainImportanceUnavailable,

    /// <summary>A slice column has more distinct values than are evaluated.</summary>
    TooManySlices,

    /// <summary>Permutation importance or contributions could not be computed.</summary>
    ExplainabilityUnavailable,
}
