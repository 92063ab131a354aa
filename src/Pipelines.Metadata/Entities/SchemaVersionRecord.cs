namespace Pipelines.Metadata;

/// <summary>The schema version of the metadata store, checked at open.</summary>
public sealed class SchemaVersionRecord
{
    /// <summary>The version.</summary>
    public int Version { get; set; }

    /// <summary>When it was created (UTC).</summary>
    public DateTime CreatedAt { get; set; }
}
