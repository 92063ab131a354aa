namespace Pipelines.Validation;

/// <summary>One problem found in the statistics of one split. JSON:
/// <c>{"split":"eval","column":"Island","kind":"unexpectedCategoricalValues","severity":"error","message":"...","details":{...}}</c>.</summary>
/// <param name="Split">The split.</param>
/// <param name="Column">The column, or null for a split-level anomaly (empty split, size change).</param>
/// <param name="Kind">What was found.</param>
/// <param name="Severity">Error or warning.</param>
/// <param name="Message">What, where and how to fix, in one sentence or two.</param>
/// <param name="Details">The numbers behind it, or null.</param>
public sealed record Anomaly(
    string Split,
    string? Column,
    AnomalyKind Kind,
    AnomalySeverity Severity,
    string Message,
    AnomalyDetails? Details = null)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"[{Severity}] split '{Split}'{(Column is null ? "" : $", column '{Column}'")}: {Message}";
}
