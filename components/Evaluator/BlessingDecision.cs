using System.Text.Json.Serialization;

namespace Pipelines.Components;

/// <summary>Whether the candidate is blessed, and why.</summary>
/// <param name="Blessed">True only when at least one threshold is configured and none failed.</param>
/// <param name="Results">Every threshold judged, per slice.</param>
/// <param name="Notes">What was not judged and why (no threshold, no baseline, small slices).</param>
public sealed record BlessingDecision(bool Blessed, IReadOnlyList<ThresholdResult> Results, IReadOnlyList<string> Notes)
{
    /// <summary>The failed thresholds, in configuration order.</summary>
    [JsonIgnore]
    public IReadOnlyList<ThresholdResult> Failures => [.. Results.Where(r => r.Outcome == ThresholdOutcome.Failed)];
}
