using System.Text.Json.Serialization;

namespace Pipelines.Components;

/// <summary>Knobs of <see cref="StatisticsGen"/>. The statistics themselves have fixed sizes
/// (<see cref="Validation.ColumnStatisticsLimits"/>) so that statistics of different spans stay comparable.</summary>
public sealed record StatisticsGenOptions
{
    /// <summary>Columns computed at once; null = one per core. Results do not depend on it, so it does not enter the cache key.</summary>
    [JsonIgnore]
    public int? MaxDegreeOfParallelism { get; init; }
}
