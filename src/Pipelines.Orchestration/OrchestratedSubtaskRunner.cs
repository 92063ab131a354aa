using Hangfire.Common;
using Hangfire.States;
using Pipelines.Metadata;

namespace Pipelines.Orchestration;

/// <summary>
/// <see cref="ISubtaskRunner"/> on Hangfire: records the batch, enqueues one <see cref="SubtaskJob"/> per subtask on the
/// pipeline's queue, and while waiting runs unclaimed subtasks itself, so progress never depends on a free worker.
/// </summary>
internal sealed class OrchestratedSubtaskRunner : ISubtaskRunner
{
    private readonly PipelineRuntime _runtime;
    private readonly long _executionId;
    private readonly string _nodeId;

    public OrchestratedSubtaskRunner(PipelineRuntime runtime, long executionId, string nodeId)
    {
        _runtime = runtime;
        _executionId = executionId;
        _nodeId = nodeId;
    }

    public async Task<IReadOnlyList<SubtaskResult>> RunAsync(string kind, IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var handler = SubtaskJob.FindHandler(_runtime.Pipeline, _nodeId, kind)
            ?? throw new InvalidOperationException($"Node '{_nodeId}' declares no subtask handler '{kind}' (Component.SubtaskHandlers).");
        var batch = Guid.NewGuid();
        var ids = await _runtime.Subtasks.CreateBatchAsync(_executionId, batch, kind, inputs, cancellationToken).ConfigureAwait(false);
        foreach (var id in ids)
        {
            _runtime.Jobs.Create(Job.FromExpression<SubtaskJob>(j => j.ExecuteAsync(id, CancellationToken.None), _runtime.Queue), new EnqueuedState(_runtime.Queue));
        }

        while (true)
        {
            var records = await _runtime.Subtasks.GetBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            if (records.All(r => r.State is SubtaskState.Succeeded or SubtaskState.Failed))
            {
                return records.Select(r => new SubtaskResult(
                    r.Index, r.Input, r.Output, r.Error,
                    r.EndedAt is { } end && r.StartedAt is { } start ? (end - start).TotalSeconds : 0,
                    r.LeaseOwner)).ToList();
            }

            // Help: run a subtask nobody has claimed (or whose worker died) instead of only waiting.
            var now = _runtime.Ledger.Store.UtcNow;
            var open = records.FirstOrDefault(r => r.State == SubtaskState.Pending || (r.State == SubtaskState.Running && r.LeaseExpiresAt < now));
            if (open is null || !await SubtaskJob.RunClaimedAsync(_runtime, handler, open, cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _runtime.Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
