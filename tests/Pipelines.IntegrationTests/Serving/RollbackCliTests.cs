using System.Text.Json;
using Pipelines.IntegrationTests.TestKit;

namespace Pipelines.IntegrationTests.Serving;

/// <summary>The <c>models</c> and <c>rollback</c> verbs as a user runs them after two pushes.</summary>
[Collection(ServingCollection.Name)]
public sealed class RollbackCliTests
{
    [Fact]
    public async Task Rollback_ToVersion1AfterTwoPushes_PublishesVersion3WithVersion1sModelAndLogsIt()
    {
        using var temp = new TempDirectory();
        var first = await CliProcess.RunAsync("penguin", temp.Path, null, "run");
        Assert.True(first.ExitCode == 0, first.ToString());
        var second = await CliProcess.RunAsync("penguin", temp.Path, null, "run", "--no-cache");
        Assert.True(second.ExitCode == 0, second.ToString());
        var destination = Path.Combine(temp.Path, ".pipelines", "serving");
        Assert.Equal([1, 2], PushLayout.Versions(destination, "penguin"));

        var rollback = await CliProcess.RunAsync("penguin", temp.Path, null, "rollback", "penguin", "1");

        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Contains("version 3 now serves model", rollback.Output, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], PushLayout.Versions(destination, "penguin"));
        var v1 = await PushManifest.ReadAsync(PushLayout.VersionDirectory(destination, "penguin", 1), CancellationToken.None);
        var v3 = await PushManifest.ReadAsync(PushLayout.VersionDirectory(destination, "penguin", 3), CancellationToken.None);
        Assert.Equal((v1.ModelArtifactId, v1.ModelContentHash, "rollback", (int?)1), (v3.ModelArtifactId, v3.ModelContentHash, v3.Action, v3.RolledBackFromVersion));

        var models = await CliProcess.RunAsync("penguin", temp.Path, null, "models", "--json");
        Assert.True(models.ExitCode == 0, models.ToString());
        var entries = JsonDocument.Parse(models.Output).RootElement.EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], entries.Select(e => e.GetProperty("version").GetInt32()));
        Assert.Equal(["Push", "Push", "Rollback"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal([false, false, true], entries.Select(e => e.GetProperty("serving").GetBoolean()));
        Assert.Equal(v1.ModelArtifactId, entries[2].GetProperty("modelArtifactId").GetInt64());
        Assert.StartsWith("rollback by ", entries[2].GetProperty("triggeredBy").GetString(), StringComparison.Ordinal);

        // A version that does not exist is a usage error naming the versions there; nothing is published.
        var missing = await CliProcess.RunAsync("penguin", temp.Path, null, "rollback", "penguin", "9");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("versions there: 1, 2, 3", missing.Error, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3], PushLayout.Versions(destination, "penguin"));
    }
}
