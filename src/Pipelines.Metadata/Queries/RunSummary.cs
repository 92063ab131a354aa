namespace Pipelines.Metadata;

/// <summary>One row of run history. Part of the documented <c>runs --json</c> shape.</summary>
/// <param name="Id">Run id.</param>
/// <param name="Pipeline">Pipeline name.</param>
/// <param name="State">Running, Succeeded or Failed.</param>
/// <param name="StartedAt">Start (UTC).</param>
/// <param name="EndedAt">End (UTC), null while running.</param>
/// <param name="DurationSeconds">Wall time so far or in total.</param>
/// <param name="Nodes">Node count.</param>
/// <param name="CachedNodes">Nodes reused from the cache.</param>
/// <param name="Error">The first node error of a failed run.</param>
public sealed record RunSummary(
    long Id, string Pipeline, RunState State, DateTime StartedAt, DateTime? EndedAt, double DurationSeconds, int Nodes, int CachedNodes, string? Error);
