namespace Pipelines.Metadata;

/// <summary>A grouping of artifacts and executions (MLMD contexts).</summary>
public enum ContextKind
{
    /// <summary>A pipeline, by name.</summary>
    Pipeline,

    /// <summary>One run of a pipeline.</summary>
    Run,
}
