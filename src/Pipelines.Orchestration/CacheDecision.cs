namespace Pipelines.Orchestration;

/// <summary>The result of the cache lookup for a claimed execution.</summary>
/// <param name="Hit">Whether an earlier execution's outputs were reused (the node is now Cached).</param>
/// <param name="PendingOutputs">On a miss, the pending output artifacts by port.</param>
/// <param name="ToEnqueue">On a hit, the children that became ready.</param>
/// <param name="Explanation">Why the cache was or was not used.</param>
public sealed record CacheDecision(
    bool Hit,
    IReadOnlyDictionary<string, Artifact> PendingOutputs,
    IReadOnlyList<long> ToEnqueue,
    string Explanation);
