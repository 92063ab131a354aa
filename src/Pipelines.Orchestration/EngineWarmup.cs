using Hangfire.Common;
using Hangfire.Storage;

namespace Pipelines.Orchestration;

/// <summary>
/// Warms the path of a run's first hop while the engine starts. In a fresh process the first node of the first run started
/// ≈ 0.5 s after the run (later hops: milliseconds): EF Core compiling the ledger's queries and the JIT compiling the ledger,
/// <see cref="NodeJob"/> and Hangfire's job (de)serialization on first use. This takes those first uses on a background
/// thread, beside the rest of the engine's start: it round-trips a node job through Hangfire's serializer, claims and loads
/// an execution id that does not exist (the claim's update matches no row, the load finds nothing), and ignores every
/// outcome. It changes no row and enqueues nothing; the engine awaits it before it disposes the store.
/// </summary>
internal static class EngineWarmup
{
    private const long NoSuchExecution = -1;

    /// <summary>Starts the warm-up; the task never faults.</summary>
    public static Task StartAsync(PipelineRuntime runtime, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        try
        {
            var job = Job.FromExpression<NodeJob>(j => j.ExecuteAsync(NoSuchExecution, CancellationToken.None), runtime.Queue);
            InvocationData.SerializeJob(job).DeserializeJob();
            await runtime.Ledger.LoadAsync(NoSuchExecution, cancellationToken).ConfigureAwait(false);
            await runtime.Ledger.ClaimAsync(runtime.Pipeline, NoSuchExecution, "warm-up", runtime.Options.Lease, runtime.Options.MaxAttempts, cancellationToken)
                .ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A warm-up that fails only leaves the first run as slow as it was.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }, CancellationToken.None);
}
