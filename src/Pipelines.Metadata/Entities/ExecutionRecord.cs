namespace Pipelines.Metadata;

/// <summary>
/// One node's execution in a run (MLMD Execution), which is also the node's DAG state: how many parents it still waits on,
/// whether it was enqueued, and the lease of the worker running it. One row per node per run, created when the run starts.
/// </summary>
public sealed class ExecutionRecord
{
    /// <summary>Id.</summary>
    public long Id { get; set; }

    /// <summary>The component type.</summary>
    public int TypeId { get; set; }

    /// <summary>The type (navigation).</summary>
    public ExecutionTypeRecord? Type { get; set; }

    /// <summary>The run (a Run context id).</summary>
    public long RunId { get; set; }

    /// <summary>The node id in the pipeline.</summary>
    public required string NodeId { get; set; }

    /// <summary>Topological position, for display order.</summary>
    public int Position { get; set; }

    /// <summary>The state.</summary>
    public ExecutionState State { get; set; }

    /// <summary>The component version.</summary>
    public required string ComponentVersion { get; set; }

    /// <summary>Bound options (JSON).</summary>
    public string? ParametersJson { get; set; }

    /// <summary>The cache fingerprint (SHA-256 of <see cref="CacheKeyJson"/>).</summary>
    public string? Fingerprint { get; set; }

    /// <summary>The full cache key, to explain misses.</summary>
    public string? CacheKeyJson { get; set; }

    /// <summary>For a Cached execution, the Complete execution whose outputs it reused.</summary>
    public long? CachedFromExecutionId { get; set; }

    /// <summary>Why the cache was used or not (one line per reason).</summary>
    public string? CacheExplanation { get; set; }

    /// <summary>Parents that have not yet completed.</summary>
    public int PendingParents { get; set; }

    /// <summary>Set once, by whoever enqueued the node's job (exactly-once enqueue).</summary>
    public bool Enqueued { get; set; }

    /// <summary>When it was enqueued (UTC); a node enqueued long ago that nobody claimed is re-enqueued by recovery.</summary>
    public DateTime? EnqueuedAt { get; set; }

    /// <summary>The Hangfire job id.</summary>
    public string? JobId { get; set; }

    /// <summary>Claims so far (a crash loop fails after a bound).</summary>
    public int Attempts { get; set; }

    /// <summary>The worker holding the lease.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>When the lease expires unless renewed (UTC).</summary>
    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>Creation time (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>When the node was first claimed (UTC).</summary>
    public DateTime? StartedAt { get; set; }

    /// <summary>When it reached a terminal state (UTC).</summary>
    public DateTime? EndedAt { get; set; }

    /// <summary>The error, for Failed and Canceled.</summary>
    public string? Error { get; set; }

    /// <summary>The last progress lines of the executor.</summary>
    public string? Log { get; set; }
}
