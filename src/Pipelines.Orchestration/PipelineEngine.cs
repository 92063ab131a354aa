using Hangfire;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.EntityFrameworkCore;
using Pipelines.Metadata;

namespace Pipelines.Orchestration;

/// <summary>
/// Runs one pipeline on Hangfire: in-memory storage with an in-process server on the embedded default, or Hangfire.PostgreSql
/// with long polling (LISTEN/NOTIFY) so a hop between nodes costs milliseconds, shared by any number of worker processes.
/// </summary>
public sealed class PipelineEngine : IAsyncDisposable
{
    private readonly JobStorage _storage;
    private readonly BackgroundJobServer? _server;
    private readonly CancellationTokenSource _stopping;
    private readonly Task _warmup;

    private PipelineEngine(MetadataStore store, JobStorage storage, PipelineRuntime runtime, BackgroundJobServer? server, CancellationTokenSource stopping, Task warmup)
    {
        Store = store;
        _storage = storage;
        Runtime = runtime;
        _server = server;
        _stopping = stopping;
        _warmup = warmup;
    }

    /// <summary>The metadata store.</summary>
    public MetadataStore Store { get; }

    /// <summary>The runtime shared with node jobs.</summary>
    public PipelineRuntime Runtime { get; }

    /// <summary>The ledger.</summary>
    public ExecutionLedger Ledger => Runtime.Ledger;

    /// <summary>Opens the stores and, unless disabled, starts Hangfire workers for this pipeline's queue.</summary>
    public static async Task<PipelineEngine> StartAsync(
        Pipeline pipeline, EngineSettings settings, TimeProvider time, Action<string>? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(settings);
        // A process that runs nodes pays their first hop's first-use costs now, beside the rest of the start (EngineWarmup).
        var warmup = settings.Runner.RunWorkers ? EngineWarmup.StartSerializerAsync(PipelineRuntime.QueueOf(pipeline)) : Task.CompletedTask;
        if (settings.Runner.RunWorkers)
        {
            // Large arrays first-touched on 2 MiB pages instead of 4 KiB ones (a fault each): see TransparentHugePages.
            TransparentHugePages.AdviseGcHeap(out _);
        }

        MetadataStore store;
        try
        {
            store = await MetadataStore.OpenAsync(settings.Metadata, time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await warmup.ConfigureAwait(false);
            throw;
        }

        var stopping = new CancellationTokenSource();
        try
        {
            var storage = CreateStorage(settings.Metadata);
            var filters = new JobFilterCollection();
            var client = new BackgroundJobClient(storage, filters);
            var artifacts = new ArtifactStore(settings.ArtifactRoot);
            var runtime = new PipelineRuntime(pipeline, new ExecutionLedger(store, artifacts), artifacts, client, settings.SchemaDirectory,
                settings.Runner, time, log)
            {
                TracksJobIds = settings.Metadata.Provider == MetadataProvider.PostgreSql,
            };
            BackgroundJobServer? server = null;
            if (settings.Runner.RunWorkers)
            {
                warmup = Task.WhenAll(warmup, EngineWarmup.StartLedgerAsync(runtime, stopping.Token));
                server = new BackgroundJobServer(
                    new BackgroundJobServerOptions
                    {
                        Queues = [runtime.Queue],
                        WorkerCount = settings.Runner.WorkerCount,
                        Activator = new RuntimeJobActivator(runtime),
                        FilterProvider = filters,
                        SchedulePollingInterval = TimeSpan.FromSeconds(1),
                        ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:{pipeline.Name}",
                        ShutdownTimeout = TimeSpan.FromSeconds(10),
                    },
                    storage);
            }

            var engine = new PipelineEngine(store, storage, runtime, server, stopping, warmup);
            if (settings.Metadata.Provider == MetadataProvider.Sqlite && settings.Runner.RunWorkers)
            {
                await engine.CancelOrphanedRunsAsync(cancellationToken).ConfigureAwait(false);
            }

            return engine;
        }
        catch
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            await warmup.ConfigureAwait(false);
            stopping.Dispose();
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts a run: records it and enqueues its root nodes.</summary>
    public async Task<long> StartRunAsync(IReadOnlyDictionary<string, string> parameters, bool noCache, CancellationToken cancellationToken)
    {
        var (runId, roots) = await Ledger.StartRunAsync(Runtime.Pipeline, parameters, noCache, cancellationToken).ConfigureAwait(false);
        await Runtime.EnqueueAsync(roots, cancellationToken).ConfigureAwait(false);
        return runId;
    }

    /// <summary>The current progress of a run.</summary>
    public async Task<RunProgress> GetProgressAsync(long runId, CancellationToken cancellationToken)
    {
        await using var db = Store.CreateContext();
        var run = await db.Contexts.FirstAsync(c => c.Id == runId, cancellationToken).ConfigureAwait(false);
        var nodes = await db.Executions.Where(e => e.RunId == runId).OrderBy(e => e.Position)
            .Select(e => new NodeProgress(e.NodeId, e.State, e.StartedAt, e.EndedAt, e.Error, e.CacheExplanation))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new RunProgress(runId, run.State ?? RunState.Running, run.Error, nodes);
    }

    /// <summary>
    /// Waits until the run ends, calling <paramref name="onChange"/> whenever a node changes state, and re-enqueues nodes whose
    /// worker died (expired lease) or whose job was never created.
    /// </summary>
    public async Task<RunProgress> WaitAsync(long runId, Action<RunProgress>? onChange, CancellationToken cancellationToken)
    {
        string? last = null;
        var lastSweep = Runtime.Time.GetTimestamp();
        while (true)
        {
            var progress = await GetProgressAsync(runId, cancellationToken).ConfigureAwait(false);
            var signature = string.Join('|', progress.Nodes.Select(n => $"{n.NodeId}:{n.State}")) + progress.State;
            if (signature != last)
            {
                onChange?.Invoke(progress);
                last = signature;
            }

            if (progress.State != RunState.Running)
            {
                return progress;
            }

            if (Runtime.Time.GetElapsedTime(lastSweep) > Runtime.Options.Lease / 2)
            {
                lastSweep = Runtime.Time.GetTimestamp();
                await RecoverAsync(runId, cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), Runtime.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Embedded mode keeps Hangfire's queue in memory, so a run whose process stopped (killed, crashed) can never finish: fail
    /// such runs (no node activity for two lease periods) instead of leaving them looking like they are still running.
    /// </summary>
    public async Task<int> CancelOrphanedRunsAsync(CancellationToken cancellationToken)
    {
        var quiet = Runtime.Options.Lease * 2;
        var orphans = await Ledger.FindOrphanedRunsAsync(Runtime.Pipeline.Name, quiet, cancellationToken).ConfigureAwait(false);
        foreach (var runId in orphans)
        {
            await Ledger.CancelRunAsync(runId,
                $"abandoned: the process running it stopped before it finished (no node activity for {quiet.TotalSeconds:0} s)", cancellationToken)
                .ConfigureAwait(false);
            Runtime.Log($"run {runId} was left unfinished by a stopped process; marked failed");
        }

        return orphans.Count;
    }

    /// <summary>Re-enqueues stranded nodes of one run (or of every run when null).</summary>
    public async Task<int> RecoverAsync(long? runId, CancellationToken cancellationToken)
    {
        var stranded = await Ledger.FindStrandedAsync(runId, Runtime.Options.Lease, Runtime.TracksJobIds, cancellationToken).ConfigureAwait(false);
        if (stranded.Count > 0)
        {
            Runtime.Log($"re-enqueueing {stranded.Count} node(s) whose worker stopped or whose job was lost");
            await Runtime.EnqueueAsync(stranded, cancellationToken).ConfigureAwait(false);
        }

        return stranded.Count;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            _server.SendStop();
            await _server.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
            _server.Dispose();
        }

        if (_storage is IDisposable disposable)
        {
            disposable.Dispose();
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _warmup.ConfigureAwait(false);
        _stopping.Dispose();
        await Store.DisposeAsync().ConfigureAwait(false);
    }

    private static JobStorage CreateStorage(MetadataStoreOptions metadata)
    {
        if (metadata.Provider == MetadataProvider.Sqlite)
        {
            return new InMemoryStorage();
        }

        var options = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            // LISTEN/NOTIFY wakes a worker as soon as a job is enqueued; the poll interval is only the fallback.
            EnableLongPolling = true,
            QueuePollInterval = TimeSpan.FromSeconds(2),
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = TimeSpan.FromMinutes(5),
            DistributedLockTimeout = TimeSpan.FromMinutes(1),
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(metadata.ConnectionString, options), options);
    }

    private sealed class RuntimeJobActivator : JobActivator
    {
        private readonly PipelineRuntime _runtime;

        public RuntimeJobActivator(PipelineRuntime runtime) => _runtime = runtime;

        public override object ActivateJob(Type jobType) =>
            jobType == typeof(NodeJob) ? new NodeJob(_runtime)
            : jobType == typeof(SubtaskJob) ? new SubtaskJob(_runtime)
            : base.ActivateJob(jobType);
    }
}
