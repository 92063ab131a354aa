using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Pipelines.Metadata;

/// <summary>Read-only queries for the CLI, the dashboard and notebooks: run history, run details, lineage.</summary>
public sealed class MetadataQueries
{
    private readonly MetadataStore _store;

    /// <summary>Creates the queries over a store.</summary>
    public MetadataQueries(MetadataStore store) => _store = store;

    /// <summary>Runs of a pipeline (all pipelines when null), newest first.</summary>
    public async Task<IReadOnlyList<RunSummary>> ListRunsAsync(string? pipeline, int limit, CancellationToken cancellationToken)
    {
        await using var db = _store.CreateContext();
        var runs = await (
            from r in db.Contexts
            where r.Kind == ContextKind.Run
            join p in db.Contexts on r.ParentId equals p.Id
            where pipeline == null || p.Name == pipeline
            orderby r.Id descending
            select new { Run = r, Pipeline = p.Name }).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        var ids = runs.Select(r => r.Run.Id).ToList();
        var counts = await db.Executions.Where(e => ids.Contains(e.RunId))
            .GroupBy(e => e.RunId)
            .Select(g => new { RunId = g.Key, Total = g.Count(), Cached = g.Count(e => e.State == ExecutionState.Cached) })
            .ToDictionaryAsync(x => x.RunId, cancellationToken).ConfigureAwait(false);
        return runs.Select(r => Summarize(r.Run, r.Pipeline, counts.TryGetValue(r.Run.Id, out var c) ? c.Total : 0, c?.Cached ?? 0)).ToList();
    }

    /// <summary>A run with its nodes and their outputs, or null when unknown.</summary>
    public async Task<RunDetails?> GetRunAsync(long runId, CancellationToken cancellationToken)
    {
        await using var db = _store.CreateContext();
        var run = await db.Contexts.FirstOrDefaultAsync(c => c.Id == runId && c.Kind == ContextKind.Run, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return null;
        }

        var pipeline = await db.Contexts.Where(c => c.Id == run.ParentId).Select(c => c.Name).FirstAsync(cancellationToken).ConfigureAwait(false);
        var executions = await db.Executions.Include(e => e.Type).Where(e => e.RunId == runId).OrderBy(e => e.Position)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var executionIds = executions.Select(e => e.Id).ToList();
        var outputs = await (
            from ev in db.Events
            where executionIds.Contains(ev.ExecutionId) && ev.Kind == EventKind.Output
            join a in db.Artifacts.Include(a => a.Type) on ev.ArtifactId equals a.Id
            select new { ev.ExecutionId, Artifact = a }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var cachedFrom = executions.Where(e => e.CachedFromExecutionId != null).Select(e => e.CachedFromExecutionId!.Value).ToList();
        var sourceRuns = await db.Executions.Where(e => cachedFrom.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.RunId, cancellationToken)
            .ConfigureAwait(false);

        var nodes = executions.Select(e => new NodeDetails(
            e.NodeId,
            e.Type?.Name ?? "",
            e.Id,
            e.State,
            e.State == ExecutionState.Cached,
            e.CachedFromExecutionId is { } from && sourceRuns.TryGetValue(from, out var sourceRun) ? sourceRun : null,
            e.CacheExplanation,
            e.StartedAt,
            e.EndedAt,
            e.EndedAt is { } end && e.StartedAt is { } start ? (end - start).TotalSeconds : null,
            e.Attempts,
            e.Error,
            e.ParametersJson,
            outputs.Where(o => o.ExecutionId == e.Id).Select(o => ToSummary(o.Artifact)).OrderBy(a => a.Port, StringComparer.Ordinal).ToList())).ToList();
        var parameters = JsonSerializer.Deserialize<Dictionary<string, string>>(run.ParametersJson ?? "{}") ?? [];
        return new RunDetails(
            Summarize(run, pipeline, executions.Count, executions.Count(e => e.State == ExecutionState.Cached)), parameters, run.NoCache, nodes);
    }

    /// <summary>The artifact with its upstream lineage (recursively) and downstream uses, or null when unknown.</summary>
    public async Task<Lineage?> GetLineageAsync(long artifactId, CancellationToken cancellationToken)
    {
        await using var db = _store.CreateContext();
        var artifact = await db.Artifacts.Include(a => a.Type).FirstOrDefaultAsync(a => a.Id == artifactId, cancellationToken).ConfigureAwait(false);
        if (artifact is null)
        {
            return null;
        }

        var upstream = new List<LineageStep>();
        var seenExecutions = new HashSet<long>();
        var frontier = new List<long> { artifactId };
        for (var depth = 1; frontier.Count > 0; depth++)
        {
            // The producer is the execution that really wrote the artifact (cached executions only point at it).
            var producers = await db.Artifacts.Where(a => frontier.Contains(a.Id)).Select(a => a.ProducerExecutionId).Distinct()
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            producers = producers.Where(seenExecutions.Add).ToList();
            var steps = await StepsAsync(db, producers, depth, cancellationToken).ConfigureAwait(false);
            upstream.AddRange(steps);
            frontier = steps.SelectMany(s => s.Inputs).Select(i => i.ArtifactId).Distinct().ToList();
        }

        var downstream = new List<LineageStep>();
        seenExecutions.Clear();
        frontier = [artifactId];
        for (var depth = 1; frontier.Count > 0; depth++)
        {
            var consumers = await db.Events.Where(e => frontier.Contains(e.ArtifactId) && e.Kind == EventKind.Input)
                .Select(e => e.ExecutionId).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false);
            consumers = consumers.Where(seenExecutions.Add).ToList();
            var steps = await StepsAsync(db, consumers, depth, cancellationToken).ConfigureAwait(false);
            downstream.AddRange(steps);
            frontier = steps.SelectMany(s => s.Outputs).Select(o => o.ArtifactId).Distinct().ToList();
        }

        return new Lineage(ToSummary(artifact), upstream, downstream);
    }

    private static async Task<List<LineageStep>> StepsAsync(MetadataDbContext db, List<long> executionIds, int depth, CancellationToken ct)
    {
        if (executionIds.Count == 0)
        {
            return [];
        }

        var executions = await db.Executions.Where(e => executionIds.Contains(e.Id)).OrderBy(e => e.Id).ToListAsync(ct).ConfigureAwait(false);
        var events = await (
            from ev in db.Events
            where executionIds.Contains(ev.ExecutionId)
            join a in db.Artifacts on ev.ArtifactId equals a.Id
            select new { ev.ExecutionId, ev.Kind, ev.Port, a.Id, Type = a.Type!.Name, a.Uri, a.ProducerExecutionId })
            .ToListAsync(ct).ConfigureAwait(false);
        return executions.Select(e => new LineageStep(
            e.Id, e.RunId, e.NodeId, e.State, depth,
            events.Where(v => v.ExecutionId == e.Id && v.Kind == EventKind.Input).Select(v => new LineageEdge(v.Port, v.Id, v.Type, v.Uri)).ToList(),
            events.Where(v => v.ExecutionId == e.Id && v.Kind == EventKind.Output).Select(v => new LineageEdge(v.Port, v.Id, v.Type, v.Uri)).ToList(),
            e.CacheKeyJson is null ? [] : CacheKey.FromJson(e.CacheKeyJson).ExternalFiles))
            .ToList();
    }

    private RunSummary Summarize(ContextRecord run, string pipeline, int nodes, int cached)
    {
        var end = run.EndedAt ?? _store.UtcNow;
        return new RunSummary(run.Id, pipeline, run.State ?? RunState.Running, run.CreatedAt, run.EndedAt, (end - run.CreatedAt).TotalSeconds, nodes, cached, run.Error);
    }

    /// <summary>Maps an artifact record to its summary.</summary>
    public static ArtifactSummary ToSummary(ArtifactRecord a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new ArtifactSummary(
            a.Id, a.Type?.Name ?? "", a.ProducerPort, a.Uri, a.State, a.ContentHash,
            JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(a.PropertiesJson) ?? []);
    }
}
