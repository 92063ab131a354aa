using System.Text.Json;
using Pipelines.Components;
using Pipelines.Data;
using Pipelines.Validation;
using static Pipelines.Tests.StatisticsGen.ValidationTestData;

namespace Pipelines.Tests.StatisticsGen;

public sealed class StatisticsGenTests
{
    [Fact]
    public void Constructor_WiredToExamples_DeclaresPortsAndTypedOutput()
    {
        var source = new ExamplesSource();

        var node = new Components.StatisticsGen(source.Examples);

        Assert.Equal("StatisticsGen", node.Id);
        Assert.Equal("1", node.Version);
        Assert.Equal("examples", Assert.Single(node.InputPorts).Name);
        Assert.Same(source.Examples, node.InputPorts[0].Channel);
        Assert.Equal("statistics", node.Outputs.Statistics.Port);
        Assert.Same(node, node.Outputs.Statistics.Producer);
        Assert.EndsWith("StatisticsGenTests.cs", node.DefinedAt.File, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeSplits_SeveralSplitsInOneLoop_EqualsEachSplitOnItsOwnInSplitAndColumnOrder()
    {
        var random = new Random(3);
        ColumnarTable Split(int rows) => Table(
            Numeric("x", [.. Enumerable.Range(0, rows).Select(i => i % 50 == 0 ? double.NaN : random.NextDouble() * 100)]),
            Text("s", [.. Enumerable.Range(0, rows).Select(i => i % 9 == 0 ? null : "v" + random.Next(5))]),
            Numeric("n", [.. Enumerable.Range(0, rows).Select(i => (double)random.Next(3))]));
        (string, ColumnarTable)[] splits = [("train", Split(5_000)), ("eval", Split(2_000)), ("test", Split(700))];

        var together = StatisticsCalculator.ComputeSplits(splits, null, CancellationToken.None);

        Assert.Equal(["train", "eval", "test"], together.Select(s => s.Name));
        for (var i = 0; i < splits.Length; i++)
        {
            var alone = StatisticsCalculator.ComputeSplit(splits[i].Item1, splits[i].Item2, 1, CancellationToken.None);
            Assert.Equal(JsonSerializer.Serialize(alone), JsonSerializer.Serialize(together[i]));
        }
    }

    [Fact]
    public async Task ExecuteAsync_TwoSplits_WritesStatisticsJsonAndProperties()
    {
        using var temp = new TempDirectory();
        var train = Table(Numeric("Body Mass (g)", 3000, 4000, double.NaN, 5000), Text("Species", "Adelie", "Gentoo", "Adelie", null));
        var eval = Table(Numeric("Body Mass (g)", 3500), Text("Species", "Chinstrap"));
        var examples = await WriteExamplesAsync(temp.Combine("examples"), 4, ("train", train), ("eval", eval));
        var output = Artifact<ExampleStatistics>(2, temp.Combine("statistics"));
        var context = Context("StatisticsGen", new Dictionary<string, IReadOnlyList<Artifact>> { ["examples"] = [examples] }, "statistics", output);

        await new Components.StatisticsGen(new ExamplesSource().Examples).Bind(new BindingContext("penguin", new Dictionary<string, string>(), temp.Path))
            .ExecuteAsync(context, CancellationToken.None);

        var statistics = await DatasetStatistics.LoadAsync(output, CancellationToken.None);
        Assert.Equal(4, statistics.Span);
        Assert.Equal(["train", "eval"], statistics.Splits.Select(s => s.Name));
        var mass = statistics.Splits[0].FindFeature("Body Mass (g)")!;
        Assert.Equal((3, 1), (mass.Count, mass.Missing));
        Assert.Equal(4000, mass.Numeric!.Mean);
        Assert.Equal(2, statistics.Splits[0].FindFeature("Species")!.Text!.Distinct);
        Assert.Equal(1, statistics.Splits[1].RowCount);
        var properties = context.OutputProperties("statistics");
        Assert.Equal("[\"train\",\"eval\"]", properties["split_names"].GetString());
        Assert.Equal(4, properties["span"].GetInt64());
    }

    [Fact]
    public async Task ExecuteAsync_ExamplesWithoutSplits_ThrowsDataValidationException()
    {
        using var temp = new TempDirectory();
        var examples = Artifact<Examples>(1, temp.Combine("examples"));
        var output = Artifact<ExampleStatistics>(2, temp.Combine("statistics"));
        var context = Context("StatisticsGen", new Dictionary<string, IReadOnlyList<Artifact>> { ["examples"] = [examples] }, "statistics", output);

        var e = await Assert.ThrowsAsync<DataValidationException>(() => new StatisticsGenExecutor().ExecuteAsync(context, new StatisticsGenOptions(), CancellationToken.None));

        Assert.Contains("records no splits", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveAsync_Statistics_RoundTripsWithDocumentedCamelCaseShape()
    {
        using var temp = new TempDirectory();
        var statistics = Stats(3, Split("train", Numeric("x", 1, 2, double.NaN), Text("s", "a", null, "b")));
        var path = temp.Combine("statistics.json");

        await statistics.SaveAsync(path, CancellationToken.None);
        var loaded = await DatasetStatistics.LoadAsync(path, CancellationToken.None);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        var split = json.RootElement.GetProperty("splits")[0];
        Assert.Equal(3, split.GetProperty("rowCount").GetInt32());
        Assert.Equal("numeric", split.GetProperty("features")[0].GetProperty("kind").GetString());
        Assert.Equal(11, split.GetProperty("features")[0].GetProperty("numeric").GetProperty("quantiles").GetArrayLength());
        Assert.Equal("text", split.GetProperty("features")[1].GetProperty("kind").GetString());
        Assert.Equal(2, split.GetProperty("features")[1].GetProperty("text").GetProperty("valueCounts").GetArrayLength());
        Assert.Equal(3, loaded.Span);
        Assert.Equal(statistics.Splits[0].Features[0].Numeric!.Quantiles, loaded.Splits[0].Features[0].Numeric!.Quantiles);
        Assert.Equal(statistics.Splits[0].Features[1].Text!.TopValues, loaded.Splits[0].Features[1].Text!.TopValues);
        Assert.Equal(ColumnKind.Text, loaded.Splits[0].Features[1].Kind);
    }

    [Fact]
    public async Task LoadAsync_CorruptFile_NamesTheFileAndLine()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("statistics.json");
        await File.WriteAllTextAsync(path, "{\n  \"splits\": [ oops ]\n}");

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => DatasetStatistics.LoadAsync(path, CancellationToken.None));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }
}
