using System.Text.Json.Serialization;

namespace Pipelines.Validation;

/// <summary>
/// What ExampleValidator writes to <c>anomalies.json</c> of an <see cref="ExampleAnomalies"/> artifact.
/// </summary>
/// <remarks>
/// JSON: <c>{"span":4,"baselineSpan":3,"anomalies":[{"split","column","kind","severity","message","details"}...]}</c>; anomalies are
/// ordered by split; within a split: per-feature checks in schema order, unexpected columns, label checks, size change, drift. Load it with <see cref="LoadAsync(ExampleAnomalies, CancellationToken)"/>.
/// </remarks>
/// <param name="Anomalies">The anomalies found (empty when the data matches the schema).</param>
/// <param name="Span">The span of the validated statistics, when known.</param>
/// <param name="BaselineSpan">The span of the baseline statistics used for drift and size checks, when one was found and had a span.</param>
/// <param name="HasBaseline">Whether baseline statistics were available (drift and size checks ran).</param>
public sealed record AnomalyReport(
    IReadOnlyList<Anomaly> Anomalies,
    long? Span = null,
    long? BaselineSpan = null,
    bool HasBaseline = false)
{
    /// <summary>The file name inside an <see cref="ExampleAnomalies"/> artifact.</summary>
    public const string FileName = "anomalies.json";

    /// <summary>Whether any anomaly is an error.</summary>
    [JsonIgnore]
    public bool HasErrors => ErrorCount > 0;

    /// <summary>The number of errors.</summary>
    public int ErrorCount => Count(AnomalySeverity.Error);

    /// <summary>The number of warnings.</summary>
    public int WarningCount => Count(AnomalySeverity.Warning);

    /// <summary>The errors, in report order.</summary>
    [JsonIgnore]
    public IReadOnlyList<Anomaly> Errors => [.. Anomalies.Where(a => a.Severity == AnomalySeverity.Error)];

    /// <summary>Loads the report of an artifact.</summary>
    public static Task<AnomalyReport> LoadAsync(ExampleAnomalies artifact, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        return LoadAsync(artifact.FilePath, cancellationToken);
    }

    /// <summary>Loads a report from an <c>anomalies.json</c> file.</summary>
    public static Task<AnomalyReport> LoadAsync(string path, CancellationToken cancellationToken) =>
        ValidationJson.LoadAsync<AnomalyReport>(path, "anomalies", cancellationToken);

    /// <summary>Writes the report as JSON to <paramref name="path"/>.</summary>
    public Task SaveAsync(string path, CancellationToken cancellationToken) => ValidationJson.SaveAsync(this, path, cancellationToken);

    private int Count(AnomalySeverity severity)
    {
        var n = 0;
        foreach (var a in Anomalies)
        {
            if (a.Severity == severity)
            {
                n++;
            }
        }

        return n;
    }
}
