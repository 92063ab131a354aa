namespace Pipelines.Metadata;

/// <summary>A registered execution type: a component class (MLMD ExecutionType).</summary>
public sealed class ExecutionTypeRecord
{
    /// <summary>Id.</summary>
    public int Id { get; set; }

    /// <summary>The component's full type name.</summary>
    public required string Name { get; set; }
}
