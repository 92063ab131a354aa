using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Pipelines.Metadata;

/// <summary>
/// Reads and appends the promotion log (<see cref="PromotionRecord"/>): every push and rollback of a served model, never
/// rewritten. Pushes are appended by the runner when a Pusher's <c>PushedModel</c> goes live; rollbacks by the
/// <c>rollback</c> verb.
/// </summary>
public static class PromotionLog
{
    /// <summary>Appends the push described by a published <c>PushedModel</c>'s properties; nothing when it was not pushed.</summary>
    public static async Task RecordPushAsync(
        MetadataDbContext db, long runId, long executionId, long pushedModelArtifactId, string propertiesJson, DateTime now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        using var json = JsonDocument.Parse(propertiesJson);
        var p = json.RootElement;
        if (Long(p, "pushed") != 1)
        {
            return;
        }

        var execution = await db.Executions.Where(e => e.Id == executionId).Select(e => new { e.NodeId }).SingleAsync(ct).ConfigureAwait(false);
        var pipeline = Text(p, "pipeline") ?? "";
        var blessingId = Long(p, "blessing_id");
        db.Promotions.Add(new PromotionRecord
        {
            ModelName = Text(p, "model_name") ?? throw new InvalidOperationException("A pushed PushedModel has no 'model_name' property."),
            Version = (int)(Long(p, "pushed_version") ?? throw new InvalidOperationException("A pushed PushedModel has no 'pushed_version' property.")),
            Action = PromotionAction.Push,
            ModelArtifactId = Long(p, "model_id") ?? 0,
            ModelContentHash = Text(p, "model_content_hash") ?? "",
            Destination = Text(p, "pushed_destination") ?? "",
            Pipeline = pipeline,
            RunId = runId,
            ExecutionId = executionId,
            PushedModelArtifactId = pushedModelArtifactId,
            BlessingArtifactId = blessingId,
            EvaluationArtifactId = blessingId is { } b ? await EvaluationOfAsync(db, b, ct).ConfigureAwait(false) : null,
            InfraBlessingArtifactId = Long(p, "infra_blessing_id"),
            TriggeredBy = $"run {runId} of pipeline '{pipeline}' (node {execution.NodeId})",
            CreatedAt = now,
        });
    }

    /// <summary>Appends an entry (a rollback).</summary>
    public static Task AppendAsync(MetadataStore store, PromotionRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.InTransactionAsync(async (db, c) =>
        {
            db.Promotions.Add(record);
            await db.SaveChangesAsync(c).ConfigureAwait(false);
        }, ct);
    }

    /// <summary>The log, oldest first; only <paramref name="modelName"/>'s entries when given.</summary>
    public static async Task<IReadOnlyList<PromotionRecord>> ListAsync(MetadataStore store, string? modelName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var db = store.CreateContext();
        var query = db.Promotions.AsQueryable();
        if (modelName is not null)
        {
            query = query.Where(p => p.ModelName == modelName);
        }

        return await query.OrderBy(p => p.Id).ToListAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The entry that created <paramref name="modelName"/> version <paramref name="version"/> with this model
    /// artifact, or null (an unfinished push, or a directory the log does not know).</summary>
    public static async Task<PromotionRecord?> FindAsync(MetadataStore store, string modelName, int version, long modelArtifactId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var db = store.CreateContext();
        return await db.Promotions
            .Where(p => p.ModelName == modelName && p.Version == version && p.ModelArtifactId == modelArtifactId)
            .OrderByDescending(p => p.Id).FirstOrDefaultAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The content hash the store recorded for a live Model artifact, or null when there is none.</summary>
    public static async Task<string?> RecordedModelHashAsync(MetadataStore store, long modelArtifactId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var db = store.CreateContext();
        return await db.Artifacts
            .Where(a => a.Id == modelArtifactId && a.State == ArtifactState.Live && a.Type!.Name == nameof(Model))
            .Select(a => a.ContentHash).FirstOrDefaultAsync(ct).ConfigureAwait(false);
    }

    private static async Task<long?> EvaluationOfAsync(MetadataDbContext db, long blessingId, CancellationToken ct)
    {
        var producer = await db.Artifacts.Where(a => a.Id == blessingId).Select(a => (long?)a.ProducerExecutionId).FirstOrDefaultAsync(ct).ConfigureAwait(false);
        return producer is null ? null : await db.Artifacts
            .Where(a => a.ProducerExecutionId == producer && a.Type!.Name == nameof(ModelEvaluation))
            .Select(a => (long?)a.Id).FirstOrDefaultAsync(ct).ConfigureAwait(false);
    }

    private static long? Long(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : null;

    private static string? Text(JsonElement p, string name) =>
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
