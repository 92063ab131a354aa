using System.Text.Json;

namespace Pipelines.Metadata;

/// <summary>A run with every node: the documented <c>show --json</c> shape.</summary>
/// <param name="Run">The summary.</param>
/// <param name="Parameters">The run's parameter values.</param>
/// <param name="NoCache">Whether the cache was disabled.</param>
/// <param name="Nodes">Nodes in topological order.</param>
public sealed record RunDetails(RunSummary Run, IReadOnlyDictionary<string, string> Parameters, bool NoCache, IReadOnlyList<NodeDetails> Nodes);

/// <summary>One node of a run.</summary>
/// <param name="NodeId">Node id.</param>
/// <param name="Component">Component type name.</param>
/// <param name="ExecutionId">Execution id.</param>
/// <param name="State">Execution state.</param>
/// <param name="Cached">Whether outputs were reused.</param>
/// <param name="CachedFromRunId">The run whose outputs were reused.</param>
/// <param name="CacheExplanation">Why it was reused or re-ran.</param>
/// <param name="StartedAt">Start (UTC).</param>
/// <param name="EndedAt">End (UTC).</param>
/// <param name="DurationSeconds">Duration, when ended.</param>
/// <param name="Attempts">Claims (1 unless retried or re-delivered).</param>
/// <param name="Error">Error of a Failed or Canceled node.</param>
/// <param name="Parameters">Bound options JSON.</param>
/// <param name="Outputs">Output artifacts.</param>
public sealed record NodeDetails(
    string NodeId,
    string Component,
    long ExecutionId,
    ExecutionState State,
    bool Cached,
    long? CachedFromRunId,
    string? CacheExplanation,
    DateTime? StartedAt,
    DateTime? EndedAt,
    double? DurationSeconds,
    int Attempts,
    string? Error,
    string? Parameters,
    IReadOnlyList<ArtifactSummary> Outputs);

/// <summary>An artifact as listed by <c>show</c> and <c>lineage</c>.</summary>
/// <param name="Id">Artifact id.</param>
/// <param name="Type">Artifact type name.</param>
/// <param name="Port">The producing output port.</param>
/// <param name="Uri">Its directory.</param>
/// <param name="State">Pending, Live or Abandoned.</param>
/// <param name="ContentHash">SHA-256 of its content.</param>
/// <param name="Properties">Typed properties.</param>
public sealed record ArtifactSummary(
    long Id, string Type, string Port, string Uri, ArtifactState State, string? ContentHash, IReadOnlyDictionary<string, JsonElement> Properties);
