namespace Pipelines.Orchestration;

/// <summary>Knobs of the runner; the defaults suit a laptop and a small cluster alike.</summary>
public sealed record RunnerOptions
{
    /// <summary>Hangfire workers in this process (node executions at once). Default: the core count, at least 2.</summary>
    public int WorkerCount { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>How long a worker's claim on a node lasts without a heartbeat; a dead worker's node restarts after this.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Claims of one node before it is failed as a crash loop or after repeated transient errors.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Delay before retrying after a transient error (multiplied by the attempt number).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether this process runs node jobs (false: it only enqueues and watches).</summary>
    public bool RunWorkers { get; init; } = true;
}
