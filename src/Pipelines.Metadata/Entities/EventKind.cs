namespace Pipelines.Metadata;

/// <summary>How an artifact relates to an execution.</summary>
public enum EventKind
{
    /// <summary>The execution read the artifact.</summary>
    Input,

    /// <summary>The execution produced (or, when cached, reused) the artifact.</summary>
    Output,
}
