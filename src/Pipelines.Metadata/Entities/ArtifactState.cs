namespace Pipelines.Metadata;

/// <summary>
/// The life of an artifact. Allowed transitions (all in <see cref="MetadataStore"/>):
/// Pending → Live (its execution completed, same transaction); Pending → Abandoned (its execution failed, was canceled, or is retried).
/// Only Live artifacts are visible to downstream nodes and to the cache.
/// </summary>
public enum ArtifactState
{
    /// <summary>Being written by a running execution.</summary>
    Pending,

    /// <summary>Published: complete and immutable.</summary>
    Live,

    /// <summary>Never published; its files may be incomplete.</summary>
    Abandoned,
}
