namespace Pipelines.Metadata;

/// <summary>Links an artifact to an execution as input or output, with the port name (MLMD Event).</summary>
public sealed class EventRecord
{
    /// <summary>Id.</summary>
    public long Id { get; set; }

    /// <summary>The artifact.</summary>
    public long ArtifactId { get; set; }

    /// <summary>The execution.</summary>
    public long ExecutionId { get; set; }

    /// <summary>Input or output.</summary>
    public EventKind Kind { get; set; }

    /// <summary>The port name.</summary>
    public required string Port { get; set; }

    /// <summary>Position within the port.</summary>
    public int Index { get; set; }

    /// <summary>When it was recorded (UTC).</summary>
    public DateTime Time { get; set; }
}
