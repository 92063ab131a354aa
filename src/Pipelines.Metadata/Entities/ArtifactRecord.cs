namespace Pipelines.Metadata;

/// <summary>One artifact (MLMD Artifact).</summary>
public sealed class ArtifactRecord
{
    /// <summary>Id.</summary>
    public long Id { get; set; }

    /// <summary>The artifact type.</summary>
    public int TypeId { get; set; }

    /// <summary>The type (navigation).</summary>
    public ArtifactTypeRecord? Type { get; set; }

    /// <summary>Absolute directory path under the artifact root.</summary>
    public required string Uri { get; set; }

    /// <summary>Pending, Live or Abandoned.</summary>
    public ArtifactState State { get; set; }

    /// <summary>Typed properties as a JSON object.</summary>
    public string PropertiesJson { get; set; } = "{}";

    /// <summary>SHA-256 of the directory content (set when published).</summary>
    public string? ContentHash { get; set; }

    /// <summary>Total bytes (set when published).</summary>
    public long? SizeBytes { get; set; }

    /// <summary>The execution that wrote it.</summary>
    public long ProducerExecutionId { get; set; }

    /// <summary>The output port it was written to.</summary>
    public required string ProducerPort { get; set; }

    /// <summary>Creation time (UTC).</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>When it became Live or Abandoned (UTC).</summary>
    public DateTime? UpdatedAt { get; set; }
}
