using Microsoft.EntityFrameworkCore;
using Pipelines.Metadata;

namespace Pipelines.Orchestration;

/// <summary>The one owner of subtask state transitions (see <see cref="SubtaskState"/>); each method one transaction.</summary>
public sealed class SubtaskLedger
{
    private readonly MetadataStore _store;

    /// <summary>Creates the ledger.</summary>
    public SubtaskLedger(MetadataStore store) => _store = store;

    /// <summary>Records a batch of Pending subtasks of an execution; returns their ids in input order.</summary>
    public Task<IReadOnlyList<long>> CreateBatchAsync(long executionId, Guid batchId, string kind, IReadOnlyList<string> inputs, CancellationToken ct) =>
        _store.InTransactionAsync<IReadOnlyList<long>>(async (db, token) =>
        {
            var now = _store.UtcNow;
            var records = inputs.Select((input, i) => new SubtaskRecord
            {
                ExecutionId = executionId, BatchId = batchId, Index = i, Kind = kind, Input = input, State = SubtaskState.Pending, CreatedAt = now,
            }).ToList();
            db.Subtasks.AddRange(records);
            await db.SaveChangesAsync(token).ConfigureAwait(false);
            return records.Select(r => r.Id).ToList();
        }, ct);

    /// <summary>Claims one subtask (Pending, or Running under an expired lease) for <paramref name="owner"/>; false if taken.</summary>
    public Task<bool> ClaimAsync(long subtaskId, string owner, TimeSpan lease, int maxAttempts, CancellationToken ct) =>
        _store.InTransactionAsync(async (db, token) =>
        {
            var now = _store.UtcNow;
            var rows = await db.Subtasks
                .Where(s => s.Id == subtaskId && s.Attempts < maxAttempts &&
                            (s.State == SubtaskState.Pending || (s.State == SubtaskState.Running && s.LeaseExpiresAt < now)))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.State, SubtaskState.Running)
                    .SetProperty(x => x.LeaseOwner, owner)
                    .SetProperty(x => x.LeaseExpiresAt, now + lease)
                    .SetProperty(x => x.Attempts, x => x.Attempts + 1)
                    .SetProperty(x => x.StartedAt, now), token).ConfigureAwait(false);
            if (rows == 0)
            {
                // A subtask whose workers kept dying is failed rather than retried forever.
                await db.Subtasks
                    .Where(s => s.Id == subtaskId && s.Attempts >= maxAttempts && s.State == SubtaskState.Running && s.LeaseExpiresAt < now)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(x => x.State, SubtaskState.Failed)
                        .SetProperty(x => x.Error, $"started {maxAttempts} times without finishing (its worker crashed each time)")
                        .SetProperty(x => x.EndedAt, now), token).ConfigureAwait(false);
            }

            return rows == 1;
        }, ct);

    /// <summary>Extends a subtask's lease; false when this worker lost it.</summary>
    public async Task<bool> RenewAsync(long subtaskId, string owner, TimeSpan lease, CancellationToken ct)
    {
        await using var db = _store.CreateContext();
        var now = _store.UtcNow;
        return await db.Subtasks.Where(s => s.Id == subtaskId && s.State == SubtaskState.Running && s.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseExpiresAt, now + lease), ct).ConfigureAwait(false) == 1;
    }

    /// <summary>Ends a subtask this worker holds, with an output or an error.</summary>
    public Task EndAsync(long subtaskId, string owner, string? output, string? error, CancellationToken ct) =>
        _store.InTransactionAsync(async (db, token) =>
        {
            var now = _store.UtcNow;
            await db.Subtasks.Where(s => s.Id == subtaskId && s.State == SubtaskState.Running && s.LeaseOwner == owner)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.State, error is null ? SubtaskState.Succeeded : SubtaskState.Failed)
                    .SetProperty(x => x.Output, output)
                    .SetProperty(x => x.Error, error)
                    .SetProperty(x => x.LeaseExpiresAt, (DateTime?)null)
                    .SetProperty(x => x.EndedAt, now), token).ConfigureAwait(false);
        }, ct);

    /// <summary>The records of a batch, in input order.</summary>
    public async Task<IReadOnlyList<SubtaskRecord>> GetBatchAsync(Guid batchId, CancellationToken ct)
    {
        await using var db = _store.CreateContext();
        return await db.Subtasks.Where(s => s.BatchId == batchId).OrderBy(s => s.Index).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A subtask with its execution's run and node, or null.</summary>
    public async Task<(SubtaskRecord Subtask, ExecutionRecord Execution)?> LoadAsync(long subtaskId, CancellationToken ct)
    {
        await using var db = _store.CreateContext();
        var row = await (
            from s in db.Subtasks
            where s.Id == subtaskId
            join e in db.Executions on s.ExecutionId equals e.Id
            select new { s, e }).FirstOrDefaultAsync(ct).ConfigureAwait(false);
        return row is null ? null : (row.s, row.e);
    }
}
