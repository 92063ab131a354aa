using System.Collections.Concurrent;
using Pipelines.Tests.StatisticsGen;

namespace Pipelines.Tests.Serving;

public sealed class PushLayoutTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Destination => _temp.Combine("serving");

    [Fact]
    public void Versions_FolderWithTemporaryNonNumericAndNonPositiveEntries_ListsOnlyPositiveIntegerFoldersAscending()
    {
        var model = PushLayout.ModelDirectory(Destination, "penguin");
        foreach (var folder in new[] { "12", "2", "9", ".incoming-0123abcd", ".7", "latest", "3.5", "-4", "+5", "0", " 6", "1e2", "v8" })
        {
            Directory.CreateDirectory(Path.Combine(model, folder));
        }

        File.WriteAllText(Path.Combine(model, "30"), "a file, not a version folder");

        Assert.Equal([2, 9, 12], PushLayout.Versions(Destination, "penguin"));
    }

    [Fact]
    public void Versions_NoSuchModelOrDestination_IsEmpty()
    {
        Assert.Empty(PushLayout.Versions(Destination, "penguin"));
        Directory.CreateDirectory(PushLayout.ModelDirectory(Destination, "other"));
        Assert.Empty(PushLayout.Versions(Destination, "penguin"));
    }

    [Fact]
    public void ModelNames_OnlyFoldersHoldingAVersion_InOrdinalOrder()
    {
        Directory.CreateDirectory(PushLayout.VersionDirectory(Destination, "penguin", 1));
        Directory.CreateDirectory(PushLayout.VersionDirectory(Destination, "flights", 3));
        Directory.CreateDirectory(Path.Combine(PushLayout.ModelDirectory(Destination, "empty"), ".incoming-x"));
        Directory.CreateDirectory(Path.Combine(Destination, ".hidden", "1"));

        Assert.Equal(["flights", "penguin"], PushLayout.ModelNames(Destination));
        Assert.Empty(PushLayout.ModelNames(_temp.Combine("nowhere")));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".penguin")]
    [InlineData("../escape")]
    [InlineData("pen guin")]
    [InlineData("a/b")]
    public void ModelDirectory_NameUnusableAsAFolder_IsRefused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => PushLayout.ModelDirectory(Destination, name));
        Assert.Contains("not usable as a folder name", error.Message);
    }

    [Fact]
    public async Task PublishAsync_ConcurrentPublishers_GetDistinctConsecutiveVersionsEachHoldingItsOwnContent()
    {
        const int publishers = 12;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fills = new ConcurrentBag<(int Publisher, int Version)>();
        var tasks = Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
        {
            await start.Task;
            return await PushLayout.PublishAsync(Destination, "penguin", async (temporary, version) =>
            {
                fills.Add((p, version));
                Assert.StartsWith(".", Path.GetFileName(temporary));
                await File.WriteAllTextAsync(Path.Combine(temporary, "publisher.txt"), p.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await File.WriteAllTextAsync(Path.Combine(temporary, "version.txt"), version.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await Task.Yield();
            }, CancellationToken.None);
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.Equal(Enumerable.Range(1, publishers), results.Select(r => r.Version).Order());
        Assert.Equal(Enumerable.Range(1, publishers), PushLayout.Versions(Destination, "penguin"));
        var publishersSeen = new HashSet<string>();
        foreach (var (version, directory) in results)
        {
            Assert.Equal(PushLayout.VersionDirectory(Destination, "penguin", version), directory);

            // The content was (re)written for the number it was published under, and no two publishers share a folder.
            Assert.Equal(version.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(directory, "version.txt")));
            Assert.True(publishersSeen.Add(File.ReadAllText(Path.Combine(directory, "publisher.txt"))));
        }

        Assert.Empty(Directory.EnumerateDirectories(PushLayout.ModelDirectory(Destination, "penguin"), ".*"));
    }

    [Fact]
    public async Task PublishAsync_AfterExistingVersions_TakesOneAboveTheNewest()
    {
        Directory.CreateDirectory(PushLayout.VersionDirectory(Destination, "penguin", 4));
        Directory.CreateDirectory(Path.Combine(PushLayout.ModelDirectory(Destination, "penguin"), ".incoming-stale"));
        var (version, _) = await PushLayout.PublishAsync(Destination, "penguin", (t, v) => File.WriteAllTextAsync(Path.Combine(t, "x"), "x"), CancellationToken.None);
        Assert.Equal(5, version);
    }

    [Fact]
    public async Task PublishAsync_FillFails_PublishesNothingAndLeavesNoTemporaryFolder()
    {
        var error = await Assert.ThrowsAsync<IOException>(() => PushLayout.PublishAsync(Destination, "penguin", async (temporary, _) =>
        {
            await File.WriteAllTextAsync(Path.Combine(temporary, "half.bin"), "half");
            throw new IOException("disk full");
        }, CancellationToken.None));

        Assert.Equal("disk full", error.Message);
        Assert.Empty(PushLayout.Versions(Destination, "penguin"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(PushLayout.ModelDirectory(Destination, "penguin")));
    }

    [Fact]
    public async Task PushManifest_WrittenThenRead_RoundTripsAndAMissingOneIsAnIncompleteVersion()
    {
        var directory = Directory.CreateDirectory(_temp.Combine("v1")).FullName;
        var manifest = new PushManifest("penguin", 1, 42, new string('a', 64), "penguin", 7, 43, 44, "push", null, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        await manifest.WriteAsync(directory, CancellationToken.None);
        Assert.Equal(manifest, await PushManifest.ReadAsync(directory, CancellationToken.None));
        Assert.Contains("\"model_artifact_id\": 42", File.ReadAllText(Path.Combine(directory, PushManifest.FileName)));

        var missing = await Assert.ThrowsAsync<InvalidDataException>(() => PushManifest.ReadAsync(_temp.Combine("nothing"), CancellationToken.None));
        Assert.Contains("not a complete pushed model version", missing.Message);
        File.WriteAllText(Path.Combine(directory, PushManifest.FileName), "{ not json");
        var bad = await Assert.ThrowsAsync<InvalidDataException>(() => PushManifest.ReadAsync(directory, CancellationToken.None));
        Assert.Contains("not a valid push manifest", bad.Message);
    }
}
