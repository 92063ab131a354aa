namespace Pipelines.Metadata;

/// <summary>One subtask of an execution (a Tuner trial): its input, output, timing and worker — the trial record.</summary>
public sealed class SubtaskRecord
{
    /// <summary>Id.</summary>
    public long Id { get; set; }

    /// <summary>The execution that fanned it out.</summary>
    public long ExecutionId { get; set; }

    /// <summary>The batch it belongs to (one call of the runner).</summary>
    public Guid BatchId { get; set; }

    /// <summary>Position in the batch.</summary>
    public int Index { get; set; }

    /// <summary>The handler kind.</summary>
    public required string Kind { get; set; }

    /// <summary>The input (e.g. trial parameters as JSON).</summary>
    public required string Input { get; set; }

    /// <summary>The state.</summary>
    public SubtaskState State { get; set; }

    /// <summary>The output (e.g. the trial's metric as JSON).</summary>
    public string? Output { get; set; }

    /// <summary>The error of a failed subtask.</summary>
    public string? Error { get; set; }

    /// <summary>Claims so far.</summary>
    public int Attempts { get; set; }

    /// <summary>The worker holding the lease; after completion, the worker that ran it.</summary>
    public string? LeaseOwner { get; set; }

    /// <summary>When the lease expires unless renewed (UTC).</summary>
    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>Creation time (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>When it was claimed (UTC).</summary>
    public DateTime? StartedAt { get; set; }

    /// <summary>When it ended (UTC).</summary>
    public DateTime? EndedAt { get; set; }
}
