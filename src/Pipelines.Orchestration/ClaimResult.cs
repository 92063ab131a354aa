namespace Pipelines.Orchestration;

/// <summary>The outcome of a worker's attempt to claim a node's execution.</summary>
public enum ClaimOutcome
{
    /// <summary>This worker holds the lease and must run the node.</summary>
    Claimed,

    /// <summary>Another delivery holds a live lease: do nothing.</summary>
    Busy,

    /// <summary>The execution already ended (a duplicate delivery): do nothing.</summary>
    AlreadyEnded,

    /// <summary>The execution crashed its workers too often and was failed now.</summary>
    CrashLoopFailed,
}

/// <summary>A claim's outcome and, when claimed, the attempt number and the children to enqueue.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Attempt">The attempt number (1-based) when claimed.</param>
public sealed record ClaimResult(ClaimOutcome Outcome, int Attempt);
