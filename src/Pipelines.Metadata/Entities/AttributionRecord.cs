namespace Pipelines.Metadata;

/// <summary>An artifact belongs to a context (MLMD Attribution).</summary>
public sealed class AttributionRecord
{
    /// <summary>The context.</summary>
    public long ContextId { get; set; }

    /// <summary>The artifact.</summary>
    public long ArtifactId { get; set; }
}
