namespace Pipelines.Metadata;

/// <summary>
/// The life of a subtask (a Tuner trial). Transitions (in the orchestrator's SubtaskLedger): Pending → Running (claimed under a
/// lease) → Succeeded | Failed; Running → Running (re-claimed after its lease expired: the worker died).
/// </summary>
public enum SubtaskState
{
    /// <summary>Waiting for a worker.</summary>
    Pending,

    /// <summary>Claimed by a worker holding the lease.</summary>
    Running,

    /// <summary>Finished with an output.</summary>
    Succeeded,

    /// <summary>Finished with an error.</summary>
    Failed,
}
