namespace Pipelines.Components;

/// <summary>A named warning of an evaluation: never an exception, always in <c>evaluation.json</c> and the log.</summary>
/// <param name="Kind">What it is about.</param>
/// <param name="Message">What happened and what it means, for a human.</param>
/// <param name="Slice">The slice concerned (e.g. <c>overall</c>, <c>island=Dream</c>), or null.</param>
/// <param name="Metric">The metric concerned, or null.</param>
/// <param name="Model"><c>candidate</c> or <c>baseline</c>, or null when about the data.</param>
public sealed record EvaluationWarning(
    EvaluationWarningKind Kind,
    string Message,
    string? Slice = null,
    string? Metric = null,
    string? Model = null)
{
    /// <inheritdoc />
    public override string ToString() => $"warning {Kind}: {Message}";
}
