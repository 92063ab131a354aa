namespace Pipelines;

/// <summary>
/// Fans a node's work out into subtasks (the Tuner's trials) that run as their own Hangfire jobs on any worker of the
/// pipeline, each recorded in the metadata store with its input, output, duration and error. The calling executor waits and
/// runs unclaimed subtasks itself meanwhile, so a single worker never deadlocks waiting for others.
/// </summary>
public interface ISubtaskRunner
{
    /// <summary>Runs one subtask per input with the handler named <paramref name="kind"/>; results in input order.</summary>
    Task<IReadOnlyList<SubtaskResult>> RunAsync(string kind, IReadOnlyList<string> inputs, CancellationToken cancellationToken);
}

/// <summary>The outcome of one subtask.</summary>
/// <param name="Index">Position in the batch.</param>
/// <param name="Input">The input given.</param>
/// <param name="Output">The handler's output (null when failed).</param>
/// <param name="Error">The error (null when succeeded).</param>
/// <param name="Seconds">Run time.</param>
/// <param name="Worker">Who ran it (machine/process).</param>
public sealed record SubtaskResult(int Index, string Input, string? Output, string? Error, double Seconds, string? Worker);

/// <summary>Code that runs one subtask, in whichever worker process picks it up. Declared by a component
/// (<see cref="Component.SubtaskHandlers"/>), so every worker running the pipeline has it.</summary>
public interface ISubtaskHandler
{
    /// <summary>The kind name this handler serves (unique within its component).</summary>
    string Kind { get; }

    /// <summary>Runs one subtask: returns its output (e.g. JSON); throw to fail it.</summary>
    Task<string> ExecuteAsync(string input, CancellationToken cancellationToken);
}
