namespace Pipelines.Components;

/// <summary>
/// Per-prediction feature contributions for a sample of eval rows, by occlusion on raw columns: for each row and each raw
/// input column, the row is scored again with that column set to a reference value (the sample's median for numbers, its most
/// frequent value for text), and the contribution is <c>output(row) - output(row with the column at its reference)</c>.
/// </summary>
/// <remarks>
/// Occlusion rather than ML.NET's <c>FeatureContributionCalculation</c>: it works on raw columns (a one-hot column is one
/// contribution, not one per slot), for every task including multiclass (which ML.NET's calculator does not support), and
/// needs no access to the predictor inside the saved chain. Contributions need not sum to the output's distance from the
/// reference prediction (interactions are not split).
/// </remarks>
/// <param name="Method">Always <c>occlusion</c>.</param>
/// <param name="Output">What is explained: <c>Probability</c> (binary), <c>Probability of the predicted class</c>
/// (multiclass), <c>Score</c> (regression, ranking).</param>
/// <param name="Reference">Per raw column, the reference value (null = missing).</param>
/// <param name="Rows">The explained rows.</param>
public sealed record FeatureContributions(
    string Method,
    string Output,
    IReadOnlyDictionary<string, string?> Reference,
    IReadOnlyList<RowContribution> Rows);

/// <summary>The contributions for one eval row.</summary>
/// <param name="Row">The row index in the eval split.</param>
/// <param name="Label">The row's label, as text.</param>
/// <param name="Prediction">The predicted class (classification) or score, as text.</param>
/// <param name="Output">The explained output for the row.</param>
/// <param name="Contributions">Per raw column, largest absolute contribution first.</param>
public sealed record RowContribution(
    int Row,
    string? Label,
    string? Prediction,
    double Output,
    IReadOnlyList<ColumnContribution> Contributions);

/// <summary>One column's contribution to one prediction.</summary>
/// <param name="Column">The raw column.</param>
/// <param name="Value">The row's value, as text (null = missing).</param>
/// <param name="Contribution">Output minus the output with the column at its reference value.</param>
public sealed record ColumnContribution(string Column, string? Value, double Contribution);
