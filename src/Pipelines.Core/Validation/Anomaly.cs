using System.Text.Json.Serialization;

namespace Pipelines.Validation;

/// <summary>One problem found in the statistics of one split, or of the whole dataset. JSON:
/// <c>{"split":"eval","column":"Island","kind":"unexpectedCategoricalValues","severity":"error","message":"...","details":{...}}</c>.</summary>
/// <param name="Split">The split, or <see cref="DatasetSplit"/> (<c>"*"</c>) for a dataset-level anomaly (inferred schema,
/// dataset size change).</param>
/// <param name="Column">The column, or null for a split- or dataset-level anomaly (empty split, size change); written as
/// <c>"column": null</c> then.</param>
/// <param name="Kind">What was found.</param>
/// <param name="Severity">Error or warning.</param>
/// <param name="Message">What, where and how to fix, in one sentence or two.</param>
/// <param name="Details">The numbers behind it, or null.</param>
public sealed record Anomaly(
    string Split,

    // Always written (null included): the constructor parameter is required when reading, so an omitted null would make the
    // report of an empty split or a size change unreadable.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Column,
    AnomalyKind Kind,
    AnomalySeverity Severity,
    string Message,
    AnomalyDetails? Details = null)
{
    /// <summary>The <see cref="Split"/> of an anomaly about the whole dataset rather than one split.</summary>
    public const string DatasetSplit = "*";

    /// <inheritdoc />
    public override string ToString() =>
        $"[{Severity}] {(Split == DatasetSplit ? "dataset" : $"split '{Split}'")}{(Column is null ? "" : $", column '{Column}'")}: {Message}";
}
