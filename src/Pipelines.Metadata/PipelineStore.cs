using Microsoft.EntityFrameworkCore;
using Pipelines.Metadata;

namespace Pipelines;

/// <summary>
/// Read access to pipeline results from C# (a notebook, a test, a script): open the store, find a run, get its artifacts as
/// typed objects, then load them (<see cref="Data.ExamplesReader"/> for splits as DataFrame or IDataView,
/// <c>DatasetStatistics.LoadAsync</c>, <c>AnomalyReport.LoadAsync</c>).
/// </summary>
/// <example>
/// <code>
/// await using var store = await PipelineStore.OpenAsync();            // .pipelines/metadata.db, or PIPELINES_DB
/// var run = await store.LatestRunAsync("penguin");
/// var examples = await store.GetOutputAsync&lt;Examples&gt;(run.Id, "ExampleGen");
/// DataFrame train = await ExamplesReader.LoadDataFrameAsync(examples, "train");
/// </code>
/// </example>
public sealed class PipelineStore : IAsyncDisposable
{
    private readonly MetadataStore _store;

    private PipelineStore(MetadataStore store)
    {
        _store = store;
        Queries = new MetadataQueries(store);
    }

    /// <summary>Run history, run details and lineage queries.</summary>
    public MetadataQueries Queries { get; }

    /// <summary>
    /// Opens a metadata store: <paramref name="db"/> as for the CLI's <c>--db</c> (PostgreSQL connection string or URL, or a SQLite
    /// file); null = <c>PIPELINES_DB</c>, else the embedded store in <paramref name="home"/> (default <c>./.pipelines</c>).
    /// </summary>
    public static async Task<PipelineStore> OpenAsync(string? db = null, string? home = null, CancellationToken cancellationToken = default)
    {
        var folder = Path.GetFullPath(home ?? Environment.GetEnvironmentVariable("PIPELINES_HOME") ?? ".pipelines");
        var options = MetadataStoreOptions.Parse(db ?? Environment.GetEnvironmentVariable("PIPELINES_DB"), folder);
        return new PipelineStore(await MetadataStore.OpenAsync(options, TimeProvider.System, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The newest run of a pipeline (only succeeded runs when <paramref name="succeededOnly"/>).</summary>
    /// <exception cref="InvalidOperationException">No such run.</exception>
    public async Task<RunSummary> LatestRunAsync(string pipeline, bool succeededOnly = false, CancellationToken cancellationToken = default)
    {
        var runs = await Queries.ListRunsAsync(pipeline, 100, cancellationToken).ConfigureAwait(false);
        return runs.FirstOrDefault(r => !succeededOnly || r.State == RunState.Succeeded)
            ?? throw new InvalidOperationException($"Pipeline '{pipeline}' has no {(succeededOnly ? "succeeded " : "")}run in this store.");
    }

    /// <summary>The live output of node <paramref name="nodeId"/> in a run (on <paramref name="port"/>, or its only output of type T).</summary>
    /// <exception cref="InvalidOperationException">No such output.</exception>
    public async Task<T> GetOutputAsync<T>(long runId, string nodeId, string? port = null, CancellationToken cancellationToken = default)
        where T : Artifact
    {
        await using var db = _store.CreateContext();
        var typeName = Artifact.TypeNameOf(typeof(T));
        var records = await (
            from e in db.Executions
            where e.RunId == runId && e.NodeId == nodeId
            join ev in db.Events on e.Id equals ev.ExecutionId
            where ev.Kind == EventKind.Output && (port == null || ev.Port == port)
            join a in db.Artifacts.Include(a => a.Type) on ev.ArtifactId equals a.Id
            where a.Type!.Name == typeName && a.State == ArtifactState.Live
            select a).ToListAsync(cancellationToken).ConfigureAwait(false);
        return records.Count switch
        {
            1 => (T)ToArtifact(records[0]),
            0 => throw new InvalidOperationException($"Run {runId} has no live {typeName} output of node '{nodeId}'{(port is null ? "" : $" on port '{port}'")}."),
            _ => throw new InvalidOperationException($"Node '{nodeId}' of run {runId} has {records.Count} {typeName} outputs; name the port."),
        };
    }

    /// <summary>An artifact by id, typed.</summary>
    /// <exception cref="InvalidOperationException">Unknown id or another type.</exception>
    public async Task<T> GetArtifactAsync<T>(long artifactId, CancellationToken cancellationToken = default) where T : Artifact
    {
        await using var db = _store.CreateContext();
        var record = await db.Artifacts.Include(a => a.Type).FirstOrDefaultAsync(a => a.Id == artifactId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Artifact {artifactId} does not exist.");
        return ToArtifact(record) as T
            ?? throw new InvalidOperationException($"Artifact {artifactId} is a {record.Type!.Name}, not a {Artifact.TypeNameOf(typeof(T))}.");
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private static Artifact ToArtifact(ArtifactRecord record)
    {
        var summary = MetadataQueries.ToSummary(record);
        return Artifact.Create(ArtifactTypes.Resolve(summary.Type), record.Id, record.Uri, summary.Properties, record.ContentHash);
    }
}
