using System.Diagnostics;
using Hangfire;
using Pipelines.Metadata;

namespace Pipelines.Orchestration;

/// <summary>The Hangfire job that runs one subtask (a Tuner trial) on whichever worker fetches it; ids only, re-entrant.</summary>
public sealed class SubtaskJob
{
    private readonly PipelineRuntime _runtime;

    /// <summary>Creates the job.</summary>
    public SubtaskJob(PipelineRuntime runtime) => _runtime = runtime;

    /// <summary>Runs subtask <paramref name="subtaskId"/> unless another worker (or the waiting parent) already has it.</summary>
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("subtask {0}")]
    public async Task ExecuteAsync(long subtaskId, CancellationToken cancellationToken)
    {
        var loaded = await _runtime.Subtasks.LoadAsync(subtaskId, cancellationToken).ConfigureAwait(false);
        if (loaded is not { } row || row.Subtask.State is SubtaskState.Succeeded or SubtaskState.Failed)
        {
            return;
        }

        if (row.Execution.State != ExecutionState.Running)
        {
            return; // the parent ended (failed or canceled): nobody waits for this result
        }

        var handler = FindHandler(_runtime.Pipeline, row.Execution.NodeId, row.Subtask.Kind);
        await RunClaimedAsync(_runtime, handler, row.Subtask, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The handler of a node's subtask kind in this process's pipeline.</summary>
    internal static ISubtaskHandler? FindHandler(Pipeline pipeline, string nodeId, string kind) =>
        pipeline.Contains(nodeId) ? pipeline[nodeId].SubtaskHandlers.FirstOrDefault(h => h.Kind == kind) : null;

    /// <summary>Claims and runs one subtask with a heartbeat; returns false when another worker has it.</summary>
    internal static async Task<bool> RunClaimedAsync(PipelineRuntime runtime, ISubtaskHandler? handler, SubtaskRecord subtask, CancellationToken ct)
    {
        var owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        var lease = runtime.Options.Lease;
        if (!await runtime.Subtasks.ClaimAsync(subtask.Id, owner, lease, runtime.Options.MaxAttempts, ct).ConfigureAwait(false))
        {
            return false;
        }

        if (handler is null)
        {
            await runtime.Subtasks.EndAsync(subtask.Id, owner, null,
                $"this worker's pipeline has no subtask handler '{subtask.Kind}'; start workers from the same pipeline version", CancellationToken.None)
                .ConfigureAwait(false);
            return true;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var heartbeat = LeaseHeartbeat.RunAsync(
            token => runtime.Subtasks.RenewAsync(subtask.Id, owner, lease, token), runtime, cts, $"subtask {subtask.Id}");

        var clock = Stopwatch.StartNew();
        string? output = null;
        string? error = null;
        try
        {
            output = await handler.ExecuteAsync(subtask.Input, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // worker shutting down: the lease expires and another worker re-runs it
        }
        catch (Exception ex)
        {
            error = ex is DataValidationException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }

        runtime.Log($"subtask {subtask.Id} ({subtask.Kind} #{subtask.Index}) {(error is null ? "done" : "failed")} in {clock.Elapsed.TotalSeconds:0.00}s");
        await runtime.Subtasks.EndAsync(subtask.Id, owner, output, error, CancellationToken.None).ConfigureAwait(false);
        return true;
    }
}
