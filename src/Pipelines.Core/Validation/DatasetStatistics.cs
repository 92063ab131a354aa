using System.Text.Json.Serialization;

namespace Pipelines.Validation;

/// <summary>
/// What StatisticsGen writes to <c>statistics.json</c> of an <see cref="ExampleStatistics"/> artifact: per split, per column
/// statistics (TFX's DatasetFeatureStatisticsList, one entry per split).
/// </summary>
/// <remarks>
/// JSON shape (camelCase, enums as camelCase strings, nulls omitted):
/// <code>
/// {
///   "span": 3,
///   "splits": [
///     { "name": "train", "rowCount": 229, "features": [
///       { "name": "Species", "kind": "text", "count": 229, "missing": 0,
///         "text": { "distinct": 3, "topValues": [{"value":"Adelie","count":101}], "averageLength": 6.1, "valueCounts": [...] } },
///       { "name": "Body Mass (g)", "kind": "numeric", "count": 228, "missing": 1,
///         "numeric": { "min": 2700, "max": 6300, "mean": 4201.7, "stdDev": 801.2, "zeros": 0, "isInteger": true,
///                      "quantiles": [2700, ..., 6300], "histogram": [{"low":2700,"high":3060,"count":9}, ...] } } ] } ]
/// }
/// </code>
/// Load it with <see cref="LoadAsync(ExampleStatistics, CancellationToken)"/> to inspect a run's statistics from C#.
/// </remarks>
/// <param name="Splits">One entry per split, in the order of the examples' <c>split_names</c>.</param>
/// <param name="Span">The span of the examples, when ExampleGen recorded one.</param>
public sealed record DatasetStatistics(IReadOnlyList<SplitStatistics> Splits, long? Span = null)
{
    /// <summary>The file name inside an <see cref="ExampleStatistics"/> artifact.</summary>
    public const string FileName = "statistics.json";

    /// <summary>The split named <paramref name="name"/>, or null.</summary>
    public SplitStatistics? FindSplit(string name)
    {
        foreach (var s in Splits)
        {
            if (string.Equals(s.Name, name, StringComparison.Ordinal))
            {
                return s;
            }
        }

        return null;
    }

    /// <summary>The split used as reference (schema inference, drift): <c>train</c> if present, else the first split; null when none.</summary>
    [JsonIgnore]
    public SplitStatistics? ReferenceSplit => FindSplit("train") ?? (Splits.Count > 0 ? Splits[0] : null);

    /// <summary>Loads the statistics of an artifact.</summary>
    public static Task<DatasetStatistics> LoadAsync(ExampleStatistics artifact, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        return LoadAsync(artifact.FilePath, cancellationToken);
    }

    /// <summary>Loads statistics from a <c>statistics.json</c> file.</summary>
    /// <exception cref="InvalidDataException">The file is not statistics JSON; the message names the file and position.</exception>
    public static Task<DatasetStatistics> LoadAsync(string path, CancellationToken cancellationToken) =>
        ValidationJson.LoadAsync<DatasetStatistics>(path, "statistics", cancellationToken);

    /// <summary>Writes the statistics as JSON to <paramref name="path"/>.</summary>
    public Task SaveAsync(string path, CancellationToken cancellationToken) => ValidationJson.SaveAsync(this, path, cancellationToken);
}
