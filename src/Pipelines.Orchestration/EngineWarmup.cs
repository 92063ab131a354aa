using Hangfire.Common;
using Hangfire.Storage;
using Pipelines.Metadata;

namespace Pipelines.Orchestration;

/// <summary>
/// Warms the path of a run's first hop while the engine starts. In a fresh process the first node of the first run started
/// ≈ 0.5 s after the run (later hops: milliseconds): EF Core compiling the ledger's queries and the JIT compiling the ledger,
/// <see cref="NodeJob"/> and Hangfire's job (de)serialization on first use. This takes those first uses on background threads,
/// beside the rest of the engine's start: a node job round-trips through Hangfire's serializer (from the very beginning), and
/// once the store is open, on the embedded SQLite store, a run's start is rehearsed in a transaction that is rolled back
/// (its ≈ 0.5 s of EF Core first uses were most of the first hop), then an execution id that does not exist is claimed and
/// loaded (the claim's update matches no row, the load finds nothing). Every outcome is ignored; nothing is kept or enqueued;
/// the engine awaits both before it disposes. A run started meanwhile waits for the rehearsal's transaction (SQLite has one
/// writer) before its own, and is then recorded from that moment.
/// </summary>
internal static class EngineWarmup
{
    private const long NoSuchExecution = -1;

    /// <summary>Round-trips a node job of <paramref name="queue"/> through Hangfire's serializer; the task never faults.</summary>
    public static Task StartSerializerAsync(string queue) => Task.Run(() => Ignoring(() =>
    {
        var job = Job.FromExpression<NodeJob>(j => j.ExecuteAsync(NoSuchExecution, CancellationToken.None), queue);
        InvocationData.SerializeJob(job).DeserializeJob();
        return Task.CompletedTask;
    }), CancellationToken.None);

    /// <summary>On the embedded SQLite store, rehearses a run's start (<see cref="ExecutionLedger.RehearseStartRunAsync"/>); then
    /// claims and loads an execution that does not exist. The task never faults.</summary>
    public static Task StartLedgerAsync(PipelineRuntime runtime, CancellationToken cancellationToken) => Task.Run(() => Ignoring(async () =>
    {
        if (runtime.Ledger.Store.Options.Provider == MetadataProvider.Sqlite)
        {
            await Ignoring(() => runtime.Ledger.RehearseStartRunAsync(runtime.Pipeline, cancellationToken)).ConfigureAwait(false);
        }

        await runtime.Ledger.LoadAsync(NoSuchExecution, cancellationToken).ConfigureAwait(false);
        await runtime.Ledger.ClaimAsync(runtime.Pipeline, NoSuchExecution, "warm-up", runtime.Options.Lease, runtime.Options.MaxAttempts, cancellationToken)
            .ConfigureAwait(false);
    }), CancellationToken.None);

    private static async Task Ignoring(Func<Task> warm)
    {
        try
        {
            await warm().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A warm-up that fails only leaves the first run as slow as it was.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
