namespace Pipelines.Components;

/// <summary>Per-class metrics of a multiclass model on one slice.</summary>
/// <param name="Class">The class (label value).</param>
/// <param name="Support">Rows of this class in the slice.</param>
/// <param name="Precision">Of the rows predicted as this class, the share that are; null when none was predicted.</param>
/// <param name="Recall">Of the rows of this class, the share predicted as it; null when the slice has none.</param>
public sealed record ClassMetrics(string Class, long Support, double? Precision, double? Recall);
