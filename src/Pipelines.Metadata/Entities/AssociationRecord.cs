namespace Pipelines.Metadata;

/// <summary>An execution belongs to a context (MLMD Association).</summary>
public sealed class AssociationRecord
{
    /// <summary>The context.</summary>
    public long ContextId { get; set; }

    /// <summary>The execution.</summary>
    public long ExecutionId { get; set; }
}
