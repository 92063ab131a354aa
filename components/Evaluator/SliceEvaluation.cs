namespace Pipelines.Components;

/// <summary>The candidate's and the baseline's metrics on one slice of the eval split.</summary>
/// <param name="Name"><c>overall</c>, or <c>column=value</c> (missing values: <c>column=(missing)</c>).</param>
/// <param name="Column">The slice column, null for overall.</param>
/// <param name="Value">The slice value, null for overall and for missing values.</param>
/// <param name="ExampleCount">Rows with a label in the slice.</param>
/// <param name="Candidate">The candidate model's metrics.</param>
/// <param name="Baseline">The baseline model's metrics on the same rows, or null without a baseline.</param>
public sealed record SliceEvaluation(
    string Name,
    string? Column,
    string? Value,
    long ExampleCount,
    ModelMetrics Candidate,
    ModelMetrics? Baseline = null)
{
    /// <summary>The name of the slice of all rows.</summary>
    public const string OverallName = "overall";

    /// <summary>The value name of missing values in slice names.</summary>
    public const string MissingValueName = "(missing)";
}
