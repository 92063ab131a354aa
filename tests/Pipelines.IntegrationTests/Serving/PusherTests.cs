using Pipelines.Components;
using Pipelines.IntegrationTests.TestKit;
using Pipelines.Metadata;
using Pipelines.Serving;

namespace Pipelines.IntegrationTests.Serving;

/// <summary>The Pusher in a real in-process pipeline: what is not blessed is never pushed, and the served version stays.</summary>
[Collection(ServingCollection.Name)]
public sealed class PusherTests
{
    [Fact]
    public async Task Pusher_ModelWorseThanTheServedOne_NotPushedWithTheReasonAndTheServerKeepsVersion1()
    {
        using var temp = new TempDirectory();
        var metadata = await EngineFactory.MetadataAsync(StoreKind.Sqlite, temp.Path);
        var destination = Path.Combine(temp.Path, "serving");
        const string name = "penguin-push";

        var goodRun = await PenguinServing.RunAsync(PenguinServing.Build(name, destination, PenguinServing.GoodTrainer), metadata, temp.Path);
        await using var store = await MetadataStore.OpenAsync(metadata, TimeProvider.System, CancellationToken.None);
        await using var results = await PipelineStore.OpenAsync(Path.Combine(temp.Path, "metadata.db"));
        var goodPush = await results.GetOutputAsync<PushedModel>(goodRun, "Pusher");
        Assert.True(goodPush.GetLong("pushed") == 1, goodPush.GetString("not_pushed_reason"));
        Assert.Equal([1], PushLayout.Versions(destination, name));

        // The server over the destination, verified against the store, serving version 1 while the next run happens.
        var log = new List<string>();
        await using var server = await ModelServer.StartAsync(new ServingOptions { Urls = ["http://127.0.0.1:0"] },
            new PushDestinationSource(destination, [], store), line => { lock (log) { log.Add(line); } }, TimeProvider.System, CancellationToken.None);
        Assert.Equal(1, server.Registry.Get(name)!.Identity.Version);

        var weakRun = await PenguinServing.RunAsync(PenguinServing.Build(name, destination, PenguinServing.WeakTrainer), metadata, temp.Path);
        var blessing = await results.GetOutputAsync<ModelBlessing>(weakRun, "Evaluator");
        var weakModel = await results.GetOutputAsync<Model>(weakRun, "Trainer");
        Assert.Equal(0, blessing.GetLong("blessed"));

        var pushed = await results.GetOutputAsync<PushedModel>(weakRun, "Pusher");
        Assert.Equal(0, pushed.GetLong("pushed"));
        Assert.Null(pushed.GetLong("pushed_version"));
        Assert.Equal(weakModel.Id, pushed.GetLong("model_id"));
        Assert.Equal(blessing.Id, pushed.GetLong("blessing_id"));
        var reason = pushed.GetString("not_pushed_reason")!;
        Assert.Contains($"the Evaluator did not bless model {weakModel.Id} (blessing {blessing.Id})", reason);
        Assert.Contains(MetricNames.MicroAccuracy, reason, StringComparison.OrdinalIgnoreCase);
        var notPushed = await File.ReadAllTextAsync(Path.Combine(pushed.Uri, Pusher.NotPushedFileName));
        Assert.Contains(reason, notPushed);
        Assert.Contains($"{name} version 1 stays the newest", notPushed);
        Assert.False(File.Exists(Path.Combine(pushed.Uri, PushManifest.FileName)));

        // Nothing reached the destination or the promotion log.
        Assert.Equal([1], PushLayout.Versions(destination, name));
        Assert.Empty(Directory.EnumerateDirectories(PushLayout.ModelDirectory(destination, name), ".*"));
        var entries = await PromotionLog.ListAsync(store, name, CancellationToken.None);
        Assert.Equal(goodRun, Assert.Single(entries).RunId);

        // The server finds nothing newer and keeps answering with version 1.
        Assert.Equal(0, await server.Registry.RefreshAsync(CancellationToken.None));
        Assert.Equal(1, server.Registry.Get(name)!.Identity.Version);
        Assert.Empty(server.Registry.Refused(name));
        using var http = new HttpClient();
        var url = server.Addresses.First();
        var (status, body) = await PenguinServing.PredictAsync(http, url, name, PenguinServing.Body([PenguinServing.Instances(1)[0].Instance]));
        Assert.True(status == 200, body.ToString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.Equal("1", PenguinServing.ServedVersion((await PenguinServing.StatusAsync(http, url, name)).Body));
        lock (log)
        {
            Assert.DoesNotContain(log, l => l.Contains("switched", StringComparison.Ordinal));
        }
    }
}
