using Microsoft.EntityFrameworkCore;
using Pipelines.IntegrationTests.TestKit;
using Pipelines.Metadata;

namespace Pipelines.IntegrationTests.Serving;

/// <summary>The promotion log on both providers: a push is recorded with its provenance, and the database refuses rewrites.</summary>
[Collection(ServingCollection.Name)]
public sealed class PromotionLogTests
{
    [SkippableTheory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Push_RecordedWithModelVersionRunBlessingAndEvaluation_AndTheDatabaseRefusesUpdateAndDelete(StoreKind kind)
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(kind, temp.Path);
        var destination = Path.Combine(temp.Path, "serving");
        const string name = "penguin-log";

        var runId = await PenguinServing.RunAsync(PenguinServing.Build(name, destination, PenguinServing.GoodTrainer), metadata, temp.Path);
        await using var results = await PipelineStore.OpenAsync(kind == StoreKind.Sqlite ? Path.Combine(temp.Path, "metadata.db") : metadata.ConnectionString);
        var model = await results.GetOutputAsync<Model>(runId, "Trainer");
        var blessing = await results.GetOutputAsync<ModelBlessing>(runId, "Evaluator");
        var evaluation = await results.GetOutputAsync<ModelEvaluation>(runId, "Evaluator");
        var pushed = await results.GetOutputAsync<PushedModel>(runId, "Pusher");
        Assert.True(pushed.GetLong("pushed") == 1, pushed.GetString("not_pushed_reason"));

        await using var store = await MetadataStore.OpenAsync(metadata, TimeProvider.System, CancellationToken.None);
        var entry = Assert.Single(await PromotionLog.ListAsync(store, name, CancellationToken.None));
        Assert.Equal(name, entry.ModelName);
        Assert.Equal(1, entry.Version);
        Assert.Equal(PromotionAction.Push, entry.Action);
        Assert.Equal(runId, entry.RunId);
        Assert.Equal(model.Id, entry.ModelArtifactId);
        Assert.Equal(model.ContentHash, entry.ModelContentHash);
        Assert.Equal(blessing.Id, entry.BlessingArtifactId);
        Assert.Equal(evaluation.Id, entry.EvaluationArtifactId);
        Assert.Equal(pushed.Id, entry.PushedModelArtifactId);
        Assert.Null(entry.InfraBlessingArtifactId);
        Assert.Equal(name, entry.Pipeline);
        Assert.Equal(PushLayout.VersionDirectory(destination, name, 1), entry.Destination);
        Assert.Contains($"run {runId}", entry.TriggeredBy);
        Assert.NotNull(await PromotionLog.FindAsync(store, name, 1, model.Id, CancellationToken.None));

        // The manifest beside the pushed model says the same.
        var manifest = await PushManifest.ReadAsync(entry.Destination, CancellationToken.None);
        Assert.Equal((name, 1, model.Id, model.ContentHash, runId, blessing.Id), (manifest.ModelName, manifest.Version, manifest.ModelArtifactId, manifest.ModelContentHash, manifest.RunId, manifest.BlessingArtifactId));

        // History cannot be rewritten, even with SQL that bypasses the application.
        foreach (var sql in new[]
        {
            $"UPDATE {MetadataDbContext.PromotionTable} SET \"Version\" = 99",
            $"UPDATE {MetadataDbContext.PromotionTable} SET \"ModelContentHash\" = 'forged' WHERE \"Id\" = {entry.Id}",
            $"DELETE FROM {MetadataDbContext.PromotionTable}",
            $"DELETE FROM {MetadataDbContext.PromotionTable} WHERE \"Id\" = {entry.Id}",
        })
        {
            await using var db = store.CreateContext();
            var error = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => db.Database.ExecuteSqlRawAsync(sql));
            Assert.Contains("append-only", error.Message);
        }

        var after = Assert.Single(await PromotionLog.ListAsync(store, name, CancellationToken.None));
        Assert.Equal((entry.Id, entry.Version, entry.ModelContentHash, entry.RunId), (after.Id, after.Version, after.ModelContentHash, after.RunId));

        // Appending is still allowed (a rollback entry).
        await PromotionLog.AppendAsync(store, new PromotionRecord
        {
            ModelName = name,
            Version = 2,
            Action = PromotionAction.Rollback,
            ModelArtifactId = model.Id,
            ModelContentHash = model.ContentHash!,
            Destination = PushLayout.VersionDirectory(destination, name, 2),
            Pipeline = name,
            RunId = runId,
            RolledBackFromVersion = 1,
            TriggeredBy = "test",
            CreatedAt = DateTime.UtcNow,
        }, CancellationToken.None);
        Assert.Equal([1, 2], (await PromotionLog.ListAsync(store, name, CancellationToken.None)).Select(e => e.Version));
    }
}
