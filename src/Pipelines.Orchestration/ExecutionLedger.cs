using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pipelines.Metadata;

namespace Pipelines.Orchestration;

/// <summary>
/// The one owner of execution, artifact and run state transitions (see <see cref="ExecutionState"/>, <see cref="ArtifactState"/>).
/// Each public method is one database transaction. The DAG state (pending parents, enqueued) is decided here, so a child is
/// enqueued exactly once even when its parents complete at the same moment on different workers: the decrement and the
/// enqueue claim are conditional updates inside the completing parent's transaction.
/// </summary>
public sealed class ExecutionLedger
{
    private readonly MetadataStore _store;
    private readonly ArtifactStore _artifacts;

    /// <summary>Creates the ledger.</summary>
    public ExecutionLedger(MetadataStore store, ArtifactStore artifacts)
    {
        _store = store;
        _artifacts = artifacts;
    }

    /// <summary>The metadata store.</summary>
    public MetadataStore Store => _store;

    /// <summary>Creates a run with one New execution per node; returns the run id and the root executions to enqueue.</summary>
    public Task<(long RunId, IReadOnlyList<long> Roots)> StartRunAsync(
        Pipeline pipeline, IReadOnlyDictionary<string, string> parameters, bool noCache, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return _store.InTransactionAsync<(long, IReadOnlyList<long>)>((db, ct) => CreateRunAsync(db, pipeline, parameters, noCache, ct), cancellationToken);
    }

    /// <summary>
    /// Goes through <see cref="StartRunAsync"/>'s writes in a transaction that is rolled back (<see cref="MetadataStore.RehearseAsync"/>;
    /// SQLite only): in a fresh process the first run's start paid ≈ 0.5 s of EF Core first uses (its queries compiled, its
    /// first inserts of each table), all inside the run's own time. Nothing stays.
    /// </summary>
    public Task RehearseStartRunAsync(Pipeline pipeline, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return _store.RehearseAsync((db, ct) => CreateRunAsync(db, pipeline, new Dictionary<string, string>(), noCache: false, ct), cancellationToken);
    }

    private async Task<(long RunId, IReadOnlyList<long> Roots)> CreateRunAsync(
        MetadataDbContext db, Pipeline pipeline, IReadOnlyDictionary<string, string> parameters, bool noCache, CancellationToken ct)
    {
        var now = _store.UtcNow;
        var pipelineContext = await db.Contexts.FirstOrDefaultAsync(c => c.Kind == ContextKind.Pipeline && c.Name == pipeline.Name, ct)
            .ConfigureAwait(false);
        if (pipelineContext is null)
        {
            pipelineContext = new ContextRecord { Kind = ContextKind.Pipeline, Name = pipeline.Name, CreatedAt = now };
            db.Contexts.Add(pipelineContext);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }

        var run = new ContextRecord
        {
            Kind = ContextKind.Run,
            Name = $"{pipeline.Name}@{now:yyyyMMddTHHmmss.fffZ}-{Guid.NewGuid():N}"[..(pipeline.Name.Length + 29)],
            ParentId = pipelineContext.Id,
            State = RunState.Running,
            ParametersJson = JsonSerializer.Serialize(parameters),
            NoCache = noCache,
            CreatedAt = now,
        };
        db.Contexts.Add(run);
        await db.SaveChangesAsync(ct).ConfigureAwait(false);

        var executions = new List<ExecutionRecord>();
        var position = 0;
        foreach (var component in pipeline.Components)
        {
            var type = await GetOrCreateExecutionTypeAsync(db, component.GetType().FullName!, ct).ConfigureAwait(false);
            var roots = pipeline.ParentsOf(component.Id).Count == 0;
            var execution = new ExecutionRecord
            {
                TypeId = type.Id,
                RunId = run.Id,
                NodeId = component.Id,
                Position = position++,
                State = ExecutionState.New,
                ComponentVersion = component.Version,
                PendingParents = pipeline.ParentsOf(component.Id).Count,
                Enqueued = roots,
                EnqueuedAt = roots ? now : null,
                CreatedAt = now,
            };
            executions.Add(execution);
            db.Executions.Add(execution);
        }

        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        foreach (var e in executions)
        {
            db.Associations.Add(new AssociationRecord { ContextId = run.Id, ExecutionId = e.Id });
            db.Associations.Add(new AssociationRecord { ContextId = pipelineContext.Id, ExecutionId = e.Id });
        }

        return (run.Id, executions.Where(e => e.Enqueued).Select(e => e.Id).ToList());
    }

    /// <summary>Records the Hangfire job id of an enqueued execution (for recovery and display).</summary>
    public Task SetJobIdAsync(long executionId, string jobId, CancellationToken cancellationToken) =>
        _store.InTransactionAsync(async (db, ct) =>
            await db.Executions.Where(e => e.Id == executionId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.JobId, jobId), ct).ConfigureAwait(false), cancellationToken);

    /// <summary>Loads an execution, its run and its pipeline name in one query.</summary>
    public async Task<NodeSnapshot?> LoadAsync(long executionId, CancellationToken cancellationToken)
    {
        await using var db = _store.CreateContext();
        var row = await (
            from e in db.Executions
            where e.Id == executionId
            join r in db.Contexts on e.RunId equals r.Id
            join p in db.Contexts on r.ParentId equals p.Id
            select new { Execution = e, Run = r, Pipeline = p.Name }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is null ? null : new NodeSnapshot(row.Execution, row.Run, row.Pipeline);
    }

    /// <summary>
    /// Claims an execution for <paramref name="owner"/>: New (enqueued) or Running with an expired lease becomes Running under a
    /// fresh lease. A second delivery while the lease is live gets <see cref="ClaimOutcome.Busy"/>; after the node ended,
    /// <see cref="ClaimOutcome.AlreadyEnded"/>. Past <paramref name="maxAttempts"/> claims the node is failed as a crash loop.
    /// </summary>
    public async Task<ClaimResult> ClaimAsync(
        Pipeline pipeline, long executionId, string owner, TimeSpan lease, int maxAttempts, CancellationToken cancellationToken)
    {
        var outcome = await _store.InTransactionAsync<ClaimResult>(async (db, ct) =>
        {
            var now = _store.UtcNow;
            var claimed = await db.Executions
                .Where(e => e.Id == executionId && e.Attempts < maxAttempts &&
                            ((e.State == ExecutionState.New && e.Enqueued) ||
                             (e.State == ExecutionState.Running && (e.LeaseExpiresAt == null || e.LeaseExpiresAt < now))))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.State, ExecutionState.Running)
                    .SetProperty(e => e.LeaseOwner, owner)
                    .SetProperty(e => e.LeaseExpiresAt, now + lease)
                    .SetProperty(e => e.Attempts, e => e.Attempts + 1)
                    .SetProperty(e => e.StartedAt, e => e.StartedAt ?? now), ct).ConfigureAwait(false);
            var execution = await db.Executions.AsNoTracking().FirstAsync(e => e.Id == executionId, ct).ConfigureAwait(false);
            if (claimed == 1)
            {
                await AbandonPendingOutputsAsync(db, executionId, now, ct).ConfigureAwait(false);
                return new ClaimResult(ClaimOutcome.Claimed, execution.Attempts);
            }

            if (execution.State is ExecutionState.Complete or ExecutionState.Failed or ExecutionState.Cached or ExecutionState.Canceled)
            {
                return new ClaimResult(ClaimOutcome.AlreadyEnded, execution.Attempts);
            }

            if (execution.Attempts >= maxAttempts && (execution.LeaseExpiresAt is null || execution.LeaseExpiresAt < now))
            {
                return new ClaimResult(ClaimOutcome.CrashLoopFailed, execution.Attempts);
            }

            return new ClaimResult(ClaimOutcome.Busy, execution.Attempts);
        }, cancellationToken).ConfigureAwait(false);

        if (outcome.Outcome == ClaimOutcome.CrashLoopFailed)
        {
            await FailAsync(pipeline, executionId, owner: null,
                $"Node was started {outcome.Attempt} times without finishing (its worker crashed or was killed each time, e.g. out of memory); giving up.",
                cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>Extends the lease; false when this worker lost it (another delivery took over).</summary>
    public async Task<bool> RenewLeaseAsync(long executionId, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var db = _store.CreateContext();
        var now = _store.UtcNow;
        var rows = await db.Executions
            .Where(e => e.Id == executionId && e.State == ExecutionState.Running && e.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseExpiresAt, now + lease), cancellationToken).ConfigureAwait(false);
        return rows == 1;
    }

    /// <summary>The live artifacts on each wired input port of a node: its parents' outputs in the same run.</summary>
    public async Task<Dictionary<string, IReadOnlyList<Artifact>>> ResolveWiredInputsAsync(
        Component component, long runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(component);
        await using var db = _store.CreateContext();
        var result = new Dictionary<string, IReadOnlyList<Artifact>>(StringComparer.Ordinal);
        foreach (var port in component.InputPorts)
        {
            if (port.Channel is null)
            {
                continue;
            }

            var producer = port.Channel.Producer.Id;
            var rows = await (
                from e in db.Executions
                where e.RunId == runId && e.NodeId == producer
                join ev in db.Events on e.Id equals ev.ExecutionId
                where ev.Kind == EventKind.Output && ev.Port == port.Channel.Port
                join a in db.Artifacts on ev.ArtifactId equals a.Id
                where a.State == ArtifactState.Live
                orderby ev.Index
                select a).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0 && port.Required)
            {
                throw new InvalidOperationException(
                    $"Node '{component.Id}': input '{port.Name}' has no live artifact from {port.Channel} in run {runId}.");
            }

            result[port.Name] = rows.Select(a => ToArtifact(a, port.Channel.ArtifactType)).ToList();
        }

        return result;
    }

    /// <summary>
    /// Records the fingerprint and input events, then either reuses a Complete execution with the same fingerprint whose
    /// outputs are all Live (the node becomes Cached and its children advance), or creates the pending outputs.
    /// </summary>
    public Task<CacheDecision> DecideAsync(
        Pipeline pipeline,
        Component component,
        long executionId,
        string owner,
        int attempt,
        CacheKey key,
        string optionsJson,
        IReadOnlyDictionary<string, IReadOnlyList<Artifact>> inputs,
        string? cacheDisabledReason,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(component);
        ArgumentNullException.ThrowIfNull(key);
        return _store.InTransactionAsync<CacheDecision>(async (db, ct) =>
        {
            var now = _store.UtcNow;
            var execution = await db.Executions.FirstAsync(e => e.Id == executionId, ct).ConfigureAwait(false);
            EnsureOwner(execution, owner);
            var fingerprint = key.Fingerprint();
            execution.Fingerprint = fingerprint;
            execution.CacheKeyJson = key.ToJson();
            execution.ParametersJson = optionsJson;
            await RecordInputEventsAsync(db, execution, inputs, now, ct).ConfigureAwait(false);

            if (cacheDisabledReason is null)
            {
                var hit = await FindReusableAsync(db, fingerprint, executionId, now, ct).ConfigureAwait(false);
                if (hit is not null)
                {
                    var (source, outputs) = hit.Value;
                    var explanation = $"reused outputs of run {source.RunId} (execution {source.Id}): same component version, parameters and input content";
                    execution.State = ExecutionState.Cached;
                    execution.CachedFromExecutionId = source.Id;
                    execution.CacheExplanation = explanation;
                    execution.EndedAt = now;
                    execution.LeaseOwner = null;
                    execution.LeaseExpiresAt = null;
                    foreach (var ev in outputs)
                    {
                        db.Events.Add(new EventRecord { ArtifactId = ev.ArtifactId, ExecutionId = executionId, Kind = EventKind.Output, Port = ev.Port, Index = ev.Index, Time = now });
                        db.Attributions.Add(new AttributionRecord { ContextId = execution.RunId, ArtifactId = ev.ArtifactId });
                    }

                    await db.SaveChangesAsync(ct).ConfigureAwait(false);
                    var toEnqueue = await AdvanceAsync(db, pipeline, execution.RunId, execution.NodeId, now, ct).ConfigureAwait(false);
                    return new CacheDecision(true, new Dictionary<string, Artifact>(), toEnqueue, explanation);
                }
            }

            execution.CacheExplanation = cacheDisabledReason is null
                ? await ExplainMissAsync(db, execution, key, ct).ConfigureAwait(false)
                : "re-ran: " + cacheDisabledReason;

            var pipelineName = (await db.Contexts.FirstAsync(c => c.Id == execution.RunId, ct).ConfigureAwait(false)).Name.Split('@')[0];
            var pending = new Dictionary<string, Artifact>(StringComparer.Ordinal);
            foreach (var port in component.OutputPorts)
            {
                var type = await GetOrCreateArtifactTypeAsync(db, Artifact.TypeNameOf(port.ArtifactType), ct).ConfigureAwait(false);
                var uri = _artifacts.NewArtifactUri(pipelineName, component.Id, port.Name, executionId, attempt);
                var record = new ArtifactRecord
                {
                    TypeId = type.Id,
                    Uri = uri,
                    State = ArtifactState.Pending,
                    ProducerExecutionId = executionId,
                    ProducerPort = port.Name,
                    CreatedAt = now,
                };
                db.Artifacts.Add(record);
                await db.SaveChangesAsync(ct).ConfigureAwait(false);
                pending[port.Name] = Artifact.Create(port.ArtifactType, record.Id, uri, new Dictionary<string, JsonElement>());
            }

            return new CacheDecision(false, pending, [], execution.CacheExplanation);
        }, cancellationToken);
    }

    /// <summary>
    /// Completes an execution: its pending outputs become Live with their final properties and hashes, output events are
    /// recorded, and children whose parents are now all done are claimed for enqueueing — all in one transaction.
    /// Returns null when this worker no longer owns the execution (another delivery took over; nothing is published).
    /// </summary>
    /// <remarks>This is the hot path between two nodes: a handful of statements, no reads that the caller could supply.</remarks>
    public Task<IReadOnlyList<long>?> CompleteAsync(
        Pipeline pipeline, long runId, string nodeId, long executionId, string owner, IReadOnlyList<PublishedOutput> outputs, string? log,
        CancellationToken cancellationToken) =>
        _store.InTransactionAsync<IReadOnlyList<long>?>(async (db, ct) =>
        {
            var now = _store.UtcNow;
            var won = await db.Executions
                .Where(e => e.Id == executionId && e.State == ExecutionState.Running && e.LeaseOwner == owner)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.State, ExecutionState.Complete)
                    .SetProperty(e => e.EndedAt, now)
                    .SetProperty(e => e.LeaseExpiresAt, (DateTime?)null)
                    .SetProperty(e => e.Log, log), ct).ConfigureAwait(false);
            if (won == 0)
            {
                return null;
            }

            await PublishAsync(db, runId, executionId, outputs, now, ct).ConfigureAwait(false);
            return await AdvanceAsync(db, pipeline, runId, nodeId, now, ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Fails an execution (its pending outputs are Abandoned, except <paramref name="diagnostics"/>, published as Live because they
    /// explain the failure), cancels every New descendant, and fails the run with this error once nothing else is running.
    /// <paramref name="owner"/> null fails it whoever holds it (crash loop, recovery).
    /// </summary>
    public Task FailAsync(
        Pipeline pipeline, long executionId, string? owner, string error, CancellationToken cancellationToken,
        IReadOnlyList<PublishedOutput>? diagnostics = null) =>
        _store.InTransactionAsync(async (db, ct) =>
        {
            var now = _store.UtcNow;
            var execution = await db.Executions.FirstAsync(e => e.Id == executionId, ct).ConfigureAwait(false);
            if (execution.State is ExecutionState.Complete or ExecutionState.Cached or ExecutionState.Failed or ExecutionState.Canceled)
            {
                return;
            }

            if (owner is not null && execution.LeaseOwner != owner)
            {
                return;
            }

            execution.State = ExecutionState.Failed;
            execution.Error = error;
            execution.EndedAt = now;
            execution.LeaseExpiresAt = null;
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            if (diagnostics is { Count: > 0 })
            {
                await PublishAsync(db, execution.RunId, executionId, diagnostics, now, ct).ConfigureAwait(false);
            }

            await AbandonPendingOutputsAsync(db, executionId, now, ct).ConfigureAwait(false);

            var descendants = pipeline.DescendantsOf(execution.NodeId).ToList();
            var reason = $"upstream node '{execution.NodeId}' failed";
            await db.Executions
                .Where(e => e.RunId == execution.RunId && descendants.Contains(e.NodeId) && e.State == ExecutionState.New)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.State, ExecutionState.Canceled)
                    .SetProperty(e => e.Error, reason)
                    .SetProperty(e => e.EndedAt, now), ct).ConfigureAwait(false);

            var run = await db.Contexts.FirstAsync(c => c.Id == execution.RunId, ct).ConfigureAwait(false);
            run.Error ??= $"node '{execution.NodeId}' failed: {error}";
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            await FinishRunIfDoneAsync(db, execution.RunId, now, ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Cancels a run: every New or Running node becomes Canceled (their pending outputs Abandoned) and the run Failed with
    /// <paramref name="reason"/>. A worker still running a node loses its lease and publishes nothing.
    /// </summary>
    public Task CancelRunAsync(long runId, string reason, CancellationToken cancellationToken) =>
        _store.InTransactionAsync(async (db, ct) =>
        {
            var now = _store.UtcNow;
            var open = await db.Executions
                .Where(e => e.RunId == runId && (e.State == ExecutionState.New || e.State == ExecutionState.Running))
                .Select(e => e.Id).ToListAsync(ct).ConfigureAwait(false);
            await db.Executions.Where(e => open.Contains(e.Id))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.State, ExecutionState.Canceled)
                    .SetProperty(e => e.Error, reason)
                    .SetProperty(e => e.EndedAt, now)
                    .SetProperty(e => e.LeaseExpiresAt, (DateTime?)null), ct).ConfigureAwait(false);
            await db.Artifacts.Where(a => open.Contains(a.ProducerExecutionId) && a.State == ArtifactState.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, ArtifactState.Abandoned).SetProperty(a => a.UpdatedAt, now), ct)
                .ConfigureAwait(false);
            await db.Contexts.Where(c => c.Id == runId && c.State == RunState.Running)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.State, RunState.Failed)
                    .SetProperty(c => c.Error, reason)
                    .SetProperty(c => c.EndedAt, now), ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Runs of a pipeline left Running by a process that stopped (no node has held a live lease, or been enqueued, for
    /// <paramref name="quiet"/>). Used by the embedded engine at start, where no other process could be running them.
    /// </summary>
    public async Task<IReadOnlyList<long>> FindOrphanedRunsAsync(string pipelineName, TimeSpan quiet, CancellationToken cancellationToken)
    {
        await using var db = _store.CreateContext();
        var cutoff = _store.UtcNow - quiet;
        return await (
            from r in db.Contexts
            where r.Kind == ContextKind.Run && r.State == RunState.Running && r.CreatedAt < cutoff
            join p in db.Contexts on r.ParentId equals p.Id
            where p.Name == pipelineName
            where !db.Executions.Any(e => e.RunId == r.Id &&
                ((e.State == ExecutionState.Running && e.LeaseExpiresAt != null && e.LeaseExpiresAt > cutoff) ||
                 (e.StartedAt != null && e.StartedAt > cutoff) || (e.EndedAt != null && e.EndedAt > cutoff) ||
                 (e.EnqueuedAt != null && e.EnqueuedAt > cutoff)))
            select r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives the execution back after a transient error: the lease ends now so the retry can claim it.</summary>
    public Task ReleaseAsync(long executionId, string owner, string reason, CancellationToken cancellationToken) =>
        _store.InTransactionAsync(async (db, ct) =>
        {
            var now = _store.UtcNow;
            await db.Executions
                .Where(e => e.Id == executionId && e.State == ExecutionState.Running && e.LeaseOwner == owner)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.LeaseExpiresAt, now)
                    .SetProperty(e => e.Log, reason), ct).ConfigureAwait(false);
            await AbandonPendingOutputsAsync(db, executionId, now, ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Executions that need a job: enqueued but never given one, or running under an expired lease (a dead worker).</summary>
    public async Task<IReadOnlyList<long>> FindStrandedAsync(long? runId, TimeSpan grace, bool jobIdsTracked, CancellationToken cancellationToken)
    {
        await using var db = _store.CreateContext();
        var now = _store.UtcNow;
        var cutoff = now - grace;
        return await db.Executions
            .Where(e => (runId == null || e.RunId == runId) &&
                        ((jobIdsTracked && e.State == ExecutionState.New && e.Enqueued && e.JobId == null && e.EnqueuedAt < cutoff) ||
                         (e.State == ExecutionState.Running && e.LeaseExpiresAt != null && e.LeaseExpiresAt < cutoff)))
            .Select(e => e.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An <see cref="IArtifactQuery"/> over this store, for input resolvers.</summary>
    public IArtifactQuery Query() => new LedgerArtifactQuery(_store);

    /// <summary>Builds a typed artifact from a record.</summary>
    internal static Artifact ToArtifact(ArtifactRecord record, Type type) =>
        Artifact.Create(type, record.Id, record.Uri,
            JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(record.PropertiesJson) ?? new Dictionary<string, JsonElement>(),
            record.ContentHash);

    private static async Task<IReadOnlyList<long>> AdvanceAsync(
        MetadataDbContext db, Pipeline pipeline, long runId, string nodeId, DateTime now, CancellationToken ct)
    {
        var ready = new List<long>();
        var advanced = 0;
        foreach (var child in pipeline.ChildrenOf(nodeId))
        {
            // One statement per child: decrement, and flip Enqueued exactly when this decrement reaches zero. Row locks make
            // concurrent parents serialize on the child's row (PostgreSQL); SQLite has a single writer. RETURNING says who won.
            var rows = await db.Database.SqlQueryRaw<AdvancedChild>(
                """
                UPDATE mlmd_executions
                SET "PendingParents" = "PendingParents" - 1,
                    "Enqueued" = ("PendingParents" = 1),
                    "EnqueuedAt" = CASE WHEN "PendingParents" = 1 THEN {0} ELSE "EnqueuedAt" END
                WHERE "RunId" = {1} AND "NodeId" = {2} AND "State" = 'New' AND "PendingParents" > 0
                RETURNING "Id", "Enqueued"
                """, now, runId, child).ToListAsync(ct).ConfigureAwait(false);
            advanced += rows.Count;
            ready.AddRange(rows.Where(r => r.Enqueued).Select(r => r.Id));
        }

        if (advanced == 0)
        {
            // Only a node with no waiting child can be the last one of the run.
            await FinishRunIfDoneAsync(db, runId, now, ct).ConfigureAwait(false);
        }

        return ready;
    }

    private static async Task PublishAsync(
        MetadataDbContext db, long runId, long executionId, IReadOnlyList<PublishedOutput> outputs, DateTime now, CancellationToken ct)
    {
        foreach (var output in outputs)
        {
            var updated = await db.Artifacts
                .Where(a => a.Id == output.ArtifactId && a.ProducerExecutionId == executionId && a.State == ArtifactState.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.State, ArtifactState.Live)
                    .SetProperty(a => a.PropertiesJson, output.PropertiesJson)
                    .SetProperty(a => a.ContentHash, output.ContentHash)
                    .SetProperty(a => a.SizeBytes, output.SizeBytes)
                    .SetProperty(a => a.UpdatedAt, now), ct).ConfigureAwait(false);
            if (updated != 1)
            {
                throw new InvalidOperationException($"Artifact {output.ArtifactId} is not a pending output of execution {executionId}.");
            }

            db.Events.Add(new EventRecord { ArtifactId = output.ArtifactId, ExecutionId = executionId, Kind = EventKind.Output, Port = output.Port, Index = 0, Time = now });
            db.Attributions.Add(new AttributionRecord { ContextId = runId, ArtifactId = output.ArtifactId });
            if (output.TypeName == nameof(PushedModel))
            {
                // The push is logged in the same transaction that makes its PushedModel live: both or neither.
                await PromotionLog.RecordPushAsync(db, runId, executionId, output.ArtifactId, output.PropertiesJson, now, ct).ConfigureAwait(false);
            }
        }

        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    private static async Task FinishRunIfDoneAsync(MetadataDbContext db, long runId, DateTime now, CancellationToken ct)
    {
        var open = await db.Executions.AnyAsync(e => e.RunId == runId && (e.State == ExecutionState.New || e.State == ExecutionState.Running), ct)
            .ConfigureAwait(false);
        if (open)
        {
            return;
        }

        var failed = await db.Executions.AnyAsync(e => e.RunId == runId && (e.State == ExecutionState.Failed || e.State == ExecutionState.Canceled), ct)
            .ConfigureAwait(false);
        var state = failed ? RunState.Failed : RunState.Succeeded;
        await db.Contexts.Where(c => c.Id == runId && c.State == RunState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, state).SetProperty(c => c.EndedAt, now), ct).ConfigureAwait(false);
    }

    private static async Task AbandonPendingOutputsAsync(MetadataDbContext db, long executionId, DateTime now, CancellationToken ct) =>
        await db.Artifacts.Where(a => a.ProducerExecutionId == executionId && a.State == ArtifactState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, ArtifactState.Abandoned).SetProperty(a => a.UpdatedAt, now), ct)
            .ConfigureAwait(false);

    private static async Task RecordInputEventsAsync(
        MetadataDbContext db, ExecutionRecord execution, IReadOnlyDictionary<string, IReadOnlyList<Artifact>> inputs, DateTime now, CancellationToken ct)
    {
        // A retried attempt records its inputs again; drop the earlier attempt's input events first.
        await db.Events.Where(e => e.ExecutionId == execution.Id && e.Kind == EventKind.Input).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        foreach (var (port, artifacts) in inputs)
        {
            for (var i = 0; i < artifacts.Count; i++)
            {
                db.Events.Add(new EventRecord { ArtifactId = artifacts[i].Id, ExecutionId = execution.Id, Kind = EventKind.Input, Port = port, Index = i, Time = now });
            }
        }
    }

    private static async Task<(ExecutionRecord Source, List<EventRecord> Outputs)?> FindReusableAsync(
        MetadataDbContext db, string fingerprint, long executionId, DateTime now, CancellationToken ct)
    {
        var candidates = await db.Executions.AsNoTracking()
            .Where(e => e.Fingerprint == fingerprint && e.State == ExecutionState.Complete && e.Id != executionId)
            .OrderByDescending(e => e.EndedAt).Take(5).ToListAsync(ct).ConfigureAwait(false);
        foreach (var candidate in candidates)
        {
            var outputs = await db.Events.AsNoTracking()
                .Where(e => e.ExecutionId == candidate.Id && e.Kind == EventKind.Output).ToListAsync(ct).ConfigureAwait(false);
            var ids = outputs.Select(o => o.ArtifactId).ToList();
            var artifacts = await db.Artifacts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync(ct).ConfigureAwait(false);
            if (artifacts.Any(a => a.State != ArtifactState.Live))
            {
                continue;
            }

            // The database may say Live while the files were deleted or damaged (a cleaned disk, a lost mount): check size,
            // and retire what is gone so it is never offered again.
            var gone = artifacts.Where(a => !OnDisk(a)).Select(a => a.Id).ToList();
            if (gone.Count > 0)
            {
                await db.Artifacts.Where(a => gone.Contains(a.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, ArtifactState.Abandoned).SetProperty(a => a.UpdatedAt, now), ct)
                    .ConfigureAwait(false);
                continue;
            }

            return (candidate, outputs);
        }

        return null;
    }

    private static bool OnDisk(ArtifactRecord artifact)
    {
        if (!Directory.Exists(artifact.Uri))
        {
            return false;
        }

        var size = Directory.EnumerateFiles(artifact.Uri, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        return artifact.SizeBytes is null || artifact.SizeBytes == size;
    }

    private static async Task<string> ExplainMissAsync(MetadataDbContext db, ExecutionRecord execution, CacheKey key, CancellationToken ct)
    {
        var pipelineId = await db.Contexts.Where(c => c.Id == execution.RunId).Select(c => c.ParentId).FirstAsync(ct).ConfigureAwait(false);
        var previous = await (
            from e in db.Executions
            join r in db.Contexts on e.RunId equals r.Id
            where r.ParentId == pipelineId && e.NodeId == execution.NodeId && e.Id != execution.Id && e.CacheKeyJson != null &&
                  (e.State == ExecutionState.Complete || e.State == ExecutionState.Cached || e.State == ExecutionState.Failed)
            orderby e.Id descending
            select e).AsNoTracking().FirstOrDefaultAsync(ct).ConfigureAwait(false);
        if (previous is null)
        {
            return "ran: first execution of this node (nothing to reuse)";
        }

        var reasons = CacheKey.ExplainDifferences(CacheKey.FromJson(previous.CacheKeyJson!), key);
        if (reasons.Count == 0)
        {
            return previous.State == ExecutionState.Failed
                ? $"re-ran: the last execution with the same inputs (run {previous.RunId}) failed"
                : $"re-ran: the outputs of the last execution with the same inputs (run {previous.RunId}) are gone (no longer live or deleted from disk)";
        }

        return $"re-ran (vs run {previous.RunId}): " + string.Join("; ", reasons);
    }

    private static async Task<ExecutionTypeRecord> GetOrCreateExecutionTypeAsync(MetadataDbContext db, string name, CancellationToken ct)
    {
        var type = await db.ExecutionTypes.FirstOrDefaultAsync(t => t.Name == name, ct).ConfigureAwait(false);
        if (type is null)
        {
            type = new ExecutionTypeRecord { Name = name };
            db.ExecutionTypes.Add(type);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }

        return type;
    }

    private static async Task<ArtifactTypeRecord> GetOrCreateArtifactTypeAsync(MetadataDbContext db, string name, CancellationToken ct)
    {
        var type = await db.ArtifactTypes.FirstOrDefaultAsync(t => t.Name == name, ct).ConfigureAwait(false);
        if (type is null)
        {
            type = new ArtifactTypeRecord { Name = name };
            db.ArtifactTypes.Add(type);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }

        return type;
    }

    private static void EnsureOwner(ExecutionRecord execution, string owner)
    {
        if (execution.State != ExecutionState.Running || execution.LeaseOwner != owner)
        {
            throw new LeaseLostException(execution.Id);
        }
    }
}
