namespace Pipelines;

/// <summary>A node bound to a run's parameters: what the orchestrator fingerprints and runs.</summary>
/// <param name="OptionsJson">The bound options as canonical JSON (enters the fingerprint, shown by <c>show</c>).</param>
/// <param name="ResolveExternalInputsAsync">Resolves external files before the cache lookup.</param>
/// <param name="ExecuteAsync">Runs the executor.</param>
public sealed record NodeBinding(
    string OptionsJson,
    Func<CancellationToken, Task<ExternalInputs>> ResolveExternalInputsAsync,
    Func<ExecutorContext, CancellationToken, Task> ExecuteAsync);
