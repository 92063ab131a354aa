using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace Pipelines.Orchestration;

/// <summary>Everything a node job needs in this process: the pipeline definition, the ledger, the artifact store and the job client.</summary>
public sealed class PipelineRuntime
{
    /// <summary>Creates the runtime.</summary>
    public PipelineRuntime(
        Pipeline pipeline,
        ExecutionLedger ledger,
        ArtifactStore artifacts,
        IBackgroundJobClient jobs,
        string schemaDirectory,
        RunnerOptions options,
        TimeProvider time,
        Action<string>? log = null)
    {
        Pipeline = pipeline;
        Ledger = ledger;
        Artifacts = artifacts;
        Jobs = jobs;
        SchemaDirectory = schemaDirectory;
        Options = options;
        Time = time;
        Log = log ?? (_ => { });
        Subtasks = new SubtaskLedger(ledger.Store);
    }

    /// <summary>The pipeline this process runs.</summary>
    public Pipeline Pipeline { get; }

    /// <summary>The ledger.</summary>
    public ExecutionLedger Ledger { get; }

    /// <summary>Subtask (trial) bookkeeping.</summary>
    public SubtaskLedger Subtasks { get; }

    /// <summary>The artifact store.</summary>
    public ArtifactStore Artifacts { get; }

    /// <summary>The Hangfire client.</summary>
    public IBackgroundJobClient Jobs { get; }

    /// <summary>The curated schemas folder.</summary>
    public string SchemaDirectory { get; }

    /// <summary>Runner knobs.</summary>
    public RunnerOptions Options { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>Where workers report what they do.</summary>
    public Action<string> Log { get; }

    /// <summary>The Hangfire queue of this pipeline: workers of another pipeline never fetch its jobs.</summary>
    public string Queue => QueueOf(Pipeline);

    /// <summary>The Hangfire queue of <paramref name="pipeline"/> (Hangfire queue names take no '-').</summary>
    public static string QueueOf(Pipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return pipeline.Name.Replace('-', '_');
    }

    /// <summary>
    /// Whether job ids are recorded so recovery can find nodes enqueued in our tables but never given a job (a crash between
    /// the commit and the enqueue). Only with a persistent queue: with the in-memory queue such a crash loses the whole run,
    /// which the embedded engine handles as an orphaned run, so the extra write is kept off the hop between nodes.
    /// </summary>
    public bool TracksJobIds { get; init; } = true;

    /// <summary>Enqueues one node job per execution (and records the job ids when <see cref="TracksJobIds"/>).</summary>
    public async Task EnqueueAsync(IEnumerable<long> executionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(executionIds);
        foreach (var id in executionIds)
        {
            var jobId = Jobs.Create(Job.FromExpression<NodeJob>(j => j.ExecuteAsync(id, CancellationToken.None), Queue), new EnqueuedState(Queue));
            if (TracksJobIds)
            {
                await Ledger.SetJobIdAsync(id, jobId, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Schedules a retry of one node job after <paramref name="delay"/>.</summary>
    public void ScheduleRetry(long executionId, TimeSpan delay) =>
        Jobs.Create(Job.FromExpression<NodeJob>(j => j.ExecuteAsync(executionId, CancellationToken.None), Queue), new ScheduledState(delay));
}
