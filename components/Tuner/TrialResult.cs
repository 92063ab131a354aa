using System.Text.Json;

namespace Pipelines.Components;

/// <summary>One trial as recorded in <c>trials.json</c>.</summary>
/// <param name="Round">Successive halving round (0 = cheapest).</param>
/// <param name="Configuration">Index of the configuration drawn.</param>
/// <param name="Iterations">Boosting iterations trained.</param>
/// <param name="Parameters">Option values tried.</param>
/// <param name="Metric">The metric name.</param>
/// <param name="Value">The eval metric, or null when the trial failed.</param>
/// <param name="Seconds">Trial run time.</param>
/// <param name="Worker">Who ran it.</param>
/// <param name="Error">Why it failed.</param>
public sealed record TrialResult(
    int Round, int Configuration, int Iterations, IReadOnlyDictionary<string, JsonElement> Parameters, string Metric, double? Value,
    double Seconds, string? Worker, string? Error);
