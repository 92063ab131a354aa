namespace Pipelines;

/// <summary>
/// Does a component's work: reads its inputs, writes files under its pending outputs' directories and sets their properties.
/// Executors are storage-blind (no Hangfire, no EF Core, no clock but <see cref="ExecutorContext.Time"/>): caching, metadata
/// and publishing outputs belong to the orchestrator.
/// </summary>
/// <typeparam name="TOptions">The component's options record.</typeparam>
public interface IExecutor<in TOptions>
{
    /// <summary>Runs the executor. Throw <see cref="DataValidationException"/> for bad input (fails at once),
    /// <see cref="TransientException"/> for what a retry may fix.</summary>
    Task ExecuteAsync(ExecutorContext context, TOptions options, CancellationToken cancellationToken);
}
