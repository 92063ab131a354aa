using Pipelines.Components;
using Pipelines.Data;

namespace Pipelines.Tests.ExampleGen;

public sealed class ExampleGenSpanTests : IDisposable
{
    private readonly ExampleGenHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Resolve_SpanPattern_PicksNewestSpanAndRecordsIt()
    {
        WriteSpan(1);
        WriteSpan(2);
        WriteSpan(10);

        var run = await _harness.RunAsync("data/span-{SPAN}/penguins.csv", ExampleGenHarness.OneSplit());

        Assert.Equal("10", run.External.Facts["span"]);
        Assert.Equal(10, run.Int64("span"));
        Assert.Equal(10, ((NumericColumn)(await run.TableAsync("all"))["span"]).Values[0]);
        Assert.Single(run.External.Files);
        Assert.NotNull(run.External.Files[0].ContentHash);
    }

    [Fact]
    public async Task Resolve_NoSpanPlaceholder_RecordsNoSpanFactOrProperty()
    {
        _harness.Write("data/penguins.csv", "x\n1\n");

        var run = await _harness.RunAsync("data/penguins.csv", ExampleGenHarness.OneSplit());

        // A made-up span 0 would make ExampleValidator look for a previous span < 0 and never find a baseline.
        Assert.False(run.External.Facts.ContainsKey("span"));
        Assert.False(run.Properties.ContainsKey("span"));
        Assert.False(run.Properties.ContainsKey("version"));
    }

    [Fact]
    public async Task Resolve_SpanZero_IsRecordedAsZero()
    {
        WriteSpan(0);

        var run = await _harness.RunAsync("data/span-{SPAN}/penguins.csv", ExampleGenHarness.OneSplit());

        Assert.Equal("0", run.External.Facts["span"]);
        Assert.Equal(0, run.Int64("span"));
    }

    [Fact]
    public async Task Resolve_ExplicitSpan_ReadsThatSpan()
    {
        WriteSpan(1);
        WriteSpan(2);

        var run = await _harness.RunAsync("data/span-{SPAN}/penguins.csv", ExampleGenHarness.OneSplit(new ExampleGenOptions { Span = 1 }));

        Assert.Equal(1, run.Int64("span"));
        Assert.Equal(1, ((NumericColumn)(await run.TableAsync("all"))["span"]).Values[0]);
    }

    [Fact]
    public async Task Resolve_RequestedSpanAbsent_ListsSpansFound()
    {
        WriteSpan(1);
        WriteSpan(3);

        var ex = await Assert.ThrowsAsync<DataValidationException>(
            () => _harness.RunAsync("data/span-{SPAN}/penguins.csv", new ExampleGenOptions { Span = 2 }));

        Assert.Contains("Span 2 was requested", ex.Message, StringComparison.Ordinal);
        Assert.Contains("span(s) 1, 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_SpanAndVersion_PicksNewestVersionOfNewestSpan()
    {
        _harness.Write("data/span-2/v1/x.csv", "v\n21\n");
        _harness.Write("data/span-2/v3/x.csv", "v\n23\n");
        _harness.Write("data/span-1/v9/x.csv", "v\n19\n");

        var run = await _harness.RunAsync("data/span-{SPAN}/v{VERSION}", ExampleGenHarness.OneSplit());

        Assert.Equal(2, run.Int64("span"));
        Assert.Equal(3, run.Int64("version"));
        Assert.Equal(23, ((NumericColumn)(await run.TableAsync("all"))["v"]).Values[0]);
    }

    [Fact]
    public async Task Resolve_ZeroPaddedSpanInFileName_Matches()
    {
        _harness.Write("data/day-007.csv", "v\n7\n");
        _harness.Write("data/day-012.csv", "v\n12\n");
        _harness.Write("data/day-12x.csv", "v\n0\n");

        var run = await _harness.RunAsync("data/day-{SPAN:3}.csv", ExampleGenHarness.OneSplit());

        Assert.Equal(12, run.Int64("span"));
    }

    [Fact]
    public async Task Resolve_NoMatchingSpan_SaysSo()
    {
        Directory.CreateDirectory(_harness.PathOf("data"));

        var ex = await Assert.ThrowsAsync<DataValidationException>(() => _harness.RunAsync("data/span-{SPAN}/penguins.csv"));

        Assert.Contains("No file or directory matches the input pattern", ex.Message, StringComparison.Ordinal);
        Assert.Contains("span-{SPAN}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_MissingFile_NamesPathAndFix()
    {
        var ex = await Assert.ThrowsAsync<DataValidationException>(() => _harness.RunAsync("nope/penguins.csv"));

        Assert.Contains($"Input '{_harness.PathOf("nope/penguins.csv")}' does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("existing file or directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_EmptyDirectory_NamesDirectory()
    {
        var dir = _harness.PathOf("empty");
        Directory.CreateDirectory(dir);

        var ex = await Assert.ThrowsAsync<DataValidationException>(() => _harness.RunAsync("empty"));

        Assert.Contains($"Input directory '{dir}' has no data files", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_SpanOptionWithoutPlaceholder_Fails()
    {
        _harness.Write("in.csv", "a\n1\n");

        var ex = await Assert.ThrowsAsync<DataValidationException>(() => _harness.RunAsync("in.csv", new ExampleGenOptions { Span = 1 }));

        Assert.Contains("no {SPAN} placeholder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_ChangedContent_ChangesContentHash()
    {
        _harness.Write("in.csv", "a\n1\n");
        var node = new Components.ExampleGen(_harness.PathOf("in.csv"));
        var binding = node.Bind(new BindingContext("p", new Dictionary<string, string>(), _harness.Root));
        var before = await binding.ResolveExternalInputsAsync(CancellationToken.None);

        _harness.Write("in.csv", "a\n2\n");
        var after = await binding.ResolveExternalInputsAsync(CancellationToken.None);

        Assert.NotEqual(before.Files[0].ContentHash, after.Files[0].ContentHash);
        Assert.Equal(before.Files[0].Length, after.Files[0].Length);
    }

    private void WriteSpan(int span) => _harness.Write($"data/span-{span}/penguins.csv", $"span,x\n{span},a\n");
}
