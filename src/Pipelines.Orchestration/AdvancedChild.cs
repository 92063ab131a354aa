namespace Pipelines.Orchestration;

/// <summary>A row returned by the child-advance statement: the child and whether this decrement enqueued it.</summary>
internal sealed class AdvancedChild
{
    public long Id { get; set; }

    public bool Enqueued { get; set; }
}
