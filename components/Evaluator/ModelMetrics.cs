namespace Pipelines.Components;

/// <summary>The metrics of one model on one slice.</summary>
/// <param name="Values">By metric name (<see cref="MetricNames"/>); null when the metric cannot be computed (a warning says why).</param>
/// <param name="Classes">Multiclass only: per-class precision and recall.</param>
/// <param name="ConfusionMatrix">Multiclass only.</param>
public sealed record ModelMetrics(
    IReadOnlyDictionary<string, double?> Values,
    IReadOnlyList<ClassMetrics>? Classes = null,
    ConfusionMatrix? ConfusionMatrix = null)
{
    /// <summary>A metric's value by its stored name, or null when absent or undefined.</summary>
    public double? Get(string metric) => Values.TryGetValue(metric, out var v) ? v : null;
}
