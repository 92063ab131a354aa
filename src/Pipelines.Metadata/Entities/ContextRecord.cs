namespace Pipelines.Metadata;

/// <summary>A pipeline or a run (MLMD Context); runs carry their state.</summary>
public sealed class ContextRecord
{
    /// <summary>Id (a run id is its context id).</summary>
    public long Id { get; set; }

    /// <summary>Pipeline or Run.</summary>
    public ContextKind Kind { get; set; }

    /// <summary>Pipeline name, or the run's display name.</summary>
    public required string Name { get; set; }

    /// <summary>For a run, its pipeline context.</summary>
    public long? ParentId { get; set; }

    /// <summary>For a run, its state.</summary>
    public RunState? State { get; set; }

    /// <summary>For a run, its parameters as a JSON object.</summary>
    public string? ParametersJson { get; set; }

    /// <summary>For a run, whether the cache was disabled.</summary>
    public bool NoCache { get; set; }

    /// <summary>Creation time (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>For a run, when it ended (UTC).</summary>
    public DateTime? EndedAt { get; set; }

    /// <summary>For a failed run, the first node error.</summary>
    public string? Error { get; set; }
}
