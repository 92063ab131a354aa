using Pipelines.Metadata;

namespace Pipelines.Orchestration;

/// <summary>A point-in-time view of a run for progress display.</summary>
/// <param name="RunId">The run.</param>
/// <param name="State">The run state.</param>
/// <param name="Error">The run error, if failed.</param>
/// <param name="Nodes">Every node in topological order.</param>
public sealed record RunProgress(long RunId, RunState State, string? Error, IReadOnlyList<NodeProgress> Nodes);

/// <summary>One node's progress.</summary>
/// <param name="NodeId">The node id.</param>
/// <param name="State">Its execution state.</param>
/// <param name="StartedAt">When it started (UTC).</param>
/// <param name="EndedAt">When it ended (UTC).</param>
/// <param name="Error">Its error.</param>
/// <param name="CacheExplanation">Why it was reused or re-ran.</param>
public sealed record NodeProgress(string NodeId, ExecutionState State, DateTime? StartedAt, DateTime? EndedAt, string? Error, string? CacheExplanation);
