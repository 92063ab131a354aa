using System.Globalization;
using Pipelines.Components;
using Pipelines.Data;

namespace Pipelines.Tests.ExampleGen;

public sealed class ExampleGenSplitTests : IDisposable
{
    private readonly ExampleGenHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Execute_DefaultSplits_RoughlyTwoToOneAndComplete()
    {
        WriteRows("in.csv", 3000);

        var run = await _harness.RunAsync("in.csv");

        Assert.Equal(["train", "eval"], run.SplitNames);
        var train = run.Int64("row_count_train");
        var eval = run.Int64("row_count_eval");
        Assert.Equal(3000, train + eval);
        Assert.InRange(train, 1850, 2150);
        var ids = (await IdsAsync(run, "train")).Concat(await IdsAsync(run, "eval")).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (double)i), ids);
    }

    [Fact]
    public async Task Execute_SameInputTwice_SameAssignment()
    {
        WriteRows("in.csv", 500);

        var first = await _harness.RunAsync("in.csv");
        var second = await _harness.RunAsync("in.csv");

        Assert.Equal(await IdsAsync(first, "eval"), await IdsAsync(second, "eval"));
    }

    [Fact]
    public async Task Execute_RowOrderChanged_RowsKeepTheirSplit()
    {
        WriteRows("a.csv", 300);
        var lines = File.ReadAllLines(_harness.PathOf("a.csv"));
        _harness.Write("b.csv", lines[0] + "\n" + string.Join("\n", lines.Skip(1).Reverse()) + "\n");

        var a = await _harness.RunAsync("a.csv");
        var b = await _harness.RunAsync("b.csv");

        Assert.Equal((await IdsAsync(a, "eval")).Order(), (await IdsAsync(b, "eval")).Order());
    }

    [Fact]
    public async Task Execute_ColumnsReordered_RowsKeepTheirSplit()
    {
        var rows = Enumerable.Range(0, 600).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},row {i},{i % 7}")).ToList();
        _harness.Write("a.csv", "id,text,k\n" + string.Join("\n", rows) + "\n");
        _harness.Write("b.csv", "k,id,text\n" + string.Join("\n", rows.Select(r => r.Split(',')).Select(f => $"{f[2]},{f[0]},{f[1]}")) + "\n");

        var a = await _harness.RunAsync("a.csv");
        var b = await _harness.RunAsync("b.csv");

        Assert.Equal(await IdsAsync(a, "eval"), await IdsAsync(b, "eval"));
        Assert.Equal(await IdsAsync(a, "train"), await IdsAsync(b, "train"));
    }

    [Fact]
    public async Task Execute_CsvAndJsonOfSameRowsInOtherColumnOrder_SameSplits()
    {
        var rows = Enumerable.Range(0, 300).ToList();
        _harness.Write("a.csv", "id,text\n" + string.Join("\n", rows.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},row {i}"))) + "\n");
        _harness.Write("b.jsonl", string.Join("\n", rows.Select(i => string.Create(CultureInfo.InvariantCulture, $"{{\"text\": \"row {i}\", \"id\": {i}}}"))) + "\n");

        var a = await _harness.RunAsync("a.csv");
        var b = await _harness.RunAsync("b.jsonl");

        Assert.Equal(await IdsAsync(a, "eval"), await IdsAsync(b, "eval"));
    }

    [Fact]
    public async Task Execute_PartitionKey_EqualKeysLandTogether()
    {
        var rows = Enumerable.Range(0, 2000).Select(i => $"user{i % 50},{i}");
        _harness.Write("in.csv", "user,v\n" + string.Join("\n", rows) + "\n");

        var run = await _harness.RunAsync("in.csv", new ExampleGenOptions { PartitionKey = "user" });

        var train = await UsersAsync(run, "train");
        var eval = await UsersAsync(run, "eval");
        Assert.Empty(train.Intersect(eval));
        Assert.Equal(50, train.Count + eval.Count);
        Assert.NotEmpty(eval);
    }

    [Fact]
    public async Task Execute_UnknownPartitionKey_NamesColumns()
    {
        WriteRows("in.csv", 10);

        var ex = await Assert.ThrowsAsync<DataValidationException>(
            () => _harness.RunAsync("in.csv", new ExampleGenOptions { PartitionKey = "nope" }));

        Assert.Contains("PartitionKey 'nope'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("id, text", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_CustomSplits_UseTheirNames()
    {
        WriteRows("in.csv", 1000);

        var run = await _harness.RunAsync("in.csv", new ExampleGenOptions { Splits = [new("train", 8), new("eval", 1), new("test", 1)] });

        Assert.Equal(["train", "eval", "test"], run.SplitNames);
        Assert.True(Directory.Exists(run.Examples.SplitUri("test")));
        Assert.Equal(1000, run.Int64("row_count_train") + run.Int64("row_count_eval") + run.Int64("row_count_test"));
    }

    [Fact]
    public async Task Execute_InputSplits_EachPatternIsOneSplitWithoutHashing()
    {
        _harness.Write("data/train/part-0.csv", "id\n1\n2\n");
        _harness.Write("data/train/part-1.csv", "id\n3\n");
        _harness.Write("data/test.csv", "id\n10\n");
        var options = new ExampleGenOptions { InputSplits = [new("train", "train"), new("test", "test.csv")] };

        var run = await _harness.RunAsync("data", options);

        Assert.Equal(["train", "test"], run.SplitNames);
        Assert.Equal([1d, 2d, 3d], await IdsAsync(run, "train"));
        Assert.Equal([10d], await IdsAsync(run, "test"));
        Assert.Equal("2", run.External.Facts["split_files.train"]);
    }

    private void WriteRows(string name, int count) =>
        _harness.Write(name, "id,text\n" + string.Join("\n", Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},row {i}"))) + "\n");

    private static async Task<List<double>> IdsAsync(ExampleGenRun run, string split) =>
        [.. ((NumericColumn)(await run.TableAsync(split))["id"]).Values];

    private static async Task<HashSet<string>> UsersAsync(ExampleGenRun run, string split)
    {
        var users = (TextColumn)(await run.TableAsync(split))["user"];
        return [.. Enumerable.Range(0, users.Length).Select(i => users[i]!)];
    }
}
