namespace Pipelines.Metadata;

/// <summary>
/// The life of one node's execution in a run. Allowed transitions (all in <see cref="MetadataStore"/>):
/// New → Running (claimed by a worker) → Complete | Failed; Running → Running (a retry or a re-delivery after the lease expired);
/// New → Cached (an equal fingerprint was found); New → Canceled (an upstream node failed, or the run was canceled);
/// Running → Canceled (run canceled).
/// </summary>
public enum ExecutionState
{
    /// <summary>Waiting for parents or queued.</summary>
    New,

    /// <summary>Claimed by a worker that holds the lease.</summary>
    Running,

    /// <summary>Succeeded; its outputs are Live.</summary>
    Complete,

    /// <summary>Failed; its outputs are Abandoned.</summary>
    Failed,

    /// <summary>Reused the outputs of an earlier Complete execution with the same fingerprint.</summary>
    Cached,

    /// <summary>Not run because an upstream node failed or the run was canceled.</summary>
    Canceled,
}
