using System.Text.Json.Serialization;
using Pipelines.Data;

namespace Pipelines.Validation;

/// <summary>Statistics of one column of one split.</summary>
/// <remarks>
/// JSON: <c>{"name":"Body Mass (g)","kind":"numeric","count":342,"missing":2,"numeric":{...}}</c> or with <c>"text":{...}</c>.
/// <see cref="Numeric"/> is set for numeric and timestamp columns with at least one value; <see cref="Text"/> for text columns.
/// </remarks>
/// <param name="Name">The column name.</param>
/// <param name="Kind">The column kind as stored (<c>numeric</c>, <c>text</c>, <c>timestamp</c>).</param>
/// <param name="Count">Non-missing values.</param>
/// <param name="Missing">Missing values (NaN or null).</param>
/// <param name="Numeric">Numeric statistics, or null (text column, or no value at all).</param>
/// <param name="Text">Text statistics, or null (numeric column).</param>
public sealed record FeatureStatistics(
    string Name,
    ColumnKind Kind,
    long Count,
    long Missing,
    NumericStatistics? Numeric = null,
    TextStatistics? Text = null)
{
    /// <summary>Rows in the split (<see cref="Count"/> + <see cref="Missing"/>).</summary>
    [JsonIgnore]
    public long Rows => Count + Missing;
}
