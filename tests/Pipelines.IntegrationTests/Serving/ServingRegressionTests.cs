using Pipelines.IntegrationTests.TestKit;
using Pipelines.Metadata;
using Pipelines.Serving;

namespace Pipelines.IntegrationTests.Serving;

/// <summary>Serving regressions: a host name Kestrel binds to all interfaces needs an API key; a version seen before its promotion entry commits is served as soon as it does.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServingRegressionTests(PenguinCliFixture penguin)
{
    [Fact]
    public async Task StartAsync_HostNamedLoopbackWithoutApiKey_IsRefused()
    {
        // Uri.IsLoopback is true for the host name "loopback", but Kestrel binds any non-IP host other than "localhost" to all interfaces.
        ModelServer? server = null;
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => server = await ModelServer.StartAsync(
                new ServingOptions { Urls = ["http://loopback:0"] },
                new DirectoryModelSource("penguin", penguin.Model.Uri, penguin.Model.Id, penguin.Model.ContentHash!),
                _ => { }, TimeProvider.System, CancellationToken.None));
            Assert.Contains("set an API key", error.Message);
        }
        finally
        {
            if (server is not null)
            {
                var addresses = string.Join(", ", server.Addresses);
                await server.DisposeAsync();
                Assert.Fail($"started without an API key, listening on {addresses}");
            }
        }
    }

    [Fact]
    public async Task Refresh_VersionFolderSeenBeforeItsPromotionEntryCommits_IsServedOnceTheEntryExists()
    {
        using var temp = new TempDirectory();
        var destination = Path.Combine(temp.Path, "serving");
        const string name = "penguin-race";
        await using var store = await MetadataStore.OpenAsync(penguin.Metadata, TimeProvider.System, CancellationToken.None);

        async Task<int> PublishAsync() => (await PushLayout.PublishAsync(destination, name, async (t, v) =>
        {
            PushLayout.CopyDirectory(penguin.Model.Uri, Path.Combine(t, PushLayout.ModelFolder));
            await new PushManifest(name, v, penguin.Model.Id, penguin.Model.ContentHash!, "penguin", penguin.RunId, null, null, "push", null, DateTime.UtcNow).WriteAsync(t, CancellationToken.None);
        }, CancellationToken.None)).Version;

        Task RecordAsync(int version) => PromotionLog.AppendAsync(store, new PromotionRecord
        {
            ModelName = name, Version = version, Action = PromotionAction.Push, ModelArtifactId = penguin.Model.Id, ModelContentHash = penguin.Model.ContentHash!,
            Destination = PushLayout.VersionDirectory(destination, name, version), Pipeline = "penguin", RunId = penguin.RunId, TriggeredBy = "test", CreatedAt = DateTime.UtcNow,
        }, CancellationToken.None);

        await RecordAsync(await PublishAsync());
        var registry = new ModelRegistry(new PushDestinationSource(destination, [], store), _ => { }, TimeProvider.System);
        Assert.Equal(1, await registry.RefreshAsync(CancellationToken.None));

        // What the Pusher + runner do: the version folder is renamed into place by the executor, and the promotion entry is
        // committed afterwards, when the node completes. A server poll can fall between the two.
        var v2 = await PublishAsync();
        Assert.Equal(0, await registry.RefreshAsync(CancellationToken.None));   // the poll in the window: waiting (not in the log yet)
        await RecordAsync(v2);                                                 // the node completes

        Assert.Equal(1, await registry.RefreshAsync(CancellationToken.None));   // served at the next poll, not 30 s later
        Assert.Equal(2, registry.Get(name)!.Identity.Version);
        Assert.Empty(registry.Refused(name));
    }
}
