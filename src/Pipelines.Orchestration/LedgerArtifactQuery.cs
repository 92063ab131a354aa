using Microsoft.EntityFrameworkCore;
using Pipelines.Metadata;

namespace Pipelines.Orchestration;

/// <summary>Read access to live artifacts for input resolvers.</summary>
internal sealed class LedgerArtifactQuery : IArtifactQuery
{
    private readonly MetadataStore _store;

    public LedgerArtifactQuery(MetadataStore store) => _store = store;

    // Live outputs of Complete executions, and the diagnostics a Failed execution published (e.g. rejected anomalies).
    public async Task<IReadOnlyList<ProducedArtifact>> FindLiveOutputsAsync(
        string pipelineName, string producerNodeId, string outputPort, long excludeRunId, CancellationToken cancellationToken)
    {
        await using var db = _store.CreateContext();
        var rows = await (
            from p in db.Contexts
            where p.Kind == ContextKind.Pipeline && p.Name == pipelineName
            join r in db.Contexts on p.Id equals r.ParentId
            where r.Id != excludeRunId
            join e in db.Executions on r.Id equals e.RunId
            where e.NodeId == producerNodeId
            join a in db.Artifacts on e.Id equals a.ProducerExecutionId
            where a.ProducerPort == outputPort && a.State == ArtifactState.Live
            orderby a.Id descending
            select new { Artifact = a, TypeName = a.Type!.Name, e.RunId, a.UpdatedAt }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(x => new ProducedArtifact(
            ExecutionLedger.ToArtifact(x.Artifact, ArtifactTypes.Resolve(x.TypeName)),
            x.RunId,
            new DateTimeOffset(DateTime.SpecifyKind(x.UpdatedAt ?? x.Artifact.CreatedAt, DateTimeKind.Utc)))).ToList();
    }

    public async Task<Artifact?> GetLiveArtifactAsync(long artifactId, CancellationToken cancellationToken)
    {
        await using var db = _store.CreateContext();
        var row = await db.Artifacts.Where(a => a.Id == artifactId && a.State == ArtifactState.Live)
            .Select(a => new { Artifact = a, TypeName = a.Type!.Name }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return row is null ? null : ExecutionLedger.ToArtifact(row.Artifact, ArtifactTypes.Resolve(row.TypeName));
    }
}
