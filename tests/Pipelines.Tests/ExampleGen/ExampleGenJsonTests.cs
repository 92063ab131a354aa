using Pipelines.Components;
using Pipelines.Data;

namespace Pipelines.Tests.ExampleGen;

public sealed class ExampleGenJsonTests : IDisposable
{
    private readonly ExampleGenHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Execute_JsonArray_ReadsUnionOfKeysWithMissing()
    {
        _harness.Write("in.json", """
            [
              {"Species": "Adelie", "Beak": 39.1, "Male": true},
              {"Species": "Gentoo", "Beak": null, "Male": false, "Island": "Biscoe"},
              {"Species": "Chinstrap \"x\" \u00e9", "Beak": 40}
            ]
            """);

        var run = await _harness.RunAsync("in.json", ExampleGenHarness.OneSplit());
        var table = await run.TableAsync("all");

        Assert.Equal(3, table.RowCount);
        Assert.Equal(["Species", "Beak", "Male", "Island"], table.Columns.Select(c => c.Name));
        Assert.Equal("Chinstrap \"x\" é", ((TextColumn)table["Species"])[2]);
        var beak = (NumericColumn)table["Beak"];
        Assert.Equal(39.1, beak.Values[0]);
        Assert.True(double.IsNaN(beak.Values[1]));
        Assert.Equal([1d, 0d, double.NaN], ((NumericColumn)table["Male"]).Values);
        var island = (TextColumn)table["Island"];
        Assert.Null(island[0]);
        Assert.Equal("Biscoe", island[1]);
        Assert.Null(island[2]);
    }

    [Fact]
    public async Task Execute_JsonLines_ReadsOneObjectPerLine()
    {
        _harness.Write("in.jsonl", "{\"a\": 1, \"b\": \"x\"}\r\n\n{\"a\": 2.5}\n{\"b\": \"z\", \"a\": -3}");

        var run = await _harness.RunAsync("in.jsonl", ExampleGenHarness.OneSplit());
        var table = await run.TableAsync("all");

        Assert.Equal([1, 2.5, -3], ((NumericColumn)table["a"]).Values);
        Assert.Null(((TextColumn)table["b"])[1]);
        Assert.Equal("z", ((TextColumn)table["b"])[2]);
    }

    [Fact]
    public async Task Execute_NumbersAndStringsMixed_BecomesTextKeepingSpelling()
    {
        _harness.Write("in.jsonl", "{\"v\": 1.50}\n{\"v\": \"n/a\"}\n{\"v\": 2}\n");

        var run = await _harness.RunAsync("in.jsonl", ExampleGenHarness.OneSplit());
        var v = (TextColumn)(await run.TableAsync("all"))["v"];

        Assert.Equal(["1.50", "n/a", "2"], Enumerable.Range(0, 3).Select(i => v[i]));
    }

    [Fact]
    public async Task Execute_NestedValue_IsMalformedWithLine()
    {
        var path = _harness.Write("in.jsonl", "{\"a\": 1}\n{\"a\": {\"b\": 2}}\n");

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.jsonl"));

        Assert.Equal(path, ex.File);
        Assert.Equal(2, ex.Row);
        Assert.Contains("value of 'a' is a nested object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_NonObjectElement_IsMalformed()
    {
        _harness.Write("in.json", "[{\"a\": 1},\n 5]");

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.json"));

        Assert.Equal(2, ex.Row);
        Assert.Contains("element 2 of the array is a JSON number, not an object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_BrokenJsonArray_IsMalformed()
    {
        _harness.Write("in.json", "[{\"a\": 1},\n{\"a\": 2,,}]");

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.json"));

        Assert.Contains("invalid JSON", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Row);
    }

    [Fact]
    public async Task Execute_BrokenJsonLineWithinFraction_SkipsIt()
    {
        var lines = Enumerable.Range(0, 20).Select(i => $"{{\"a\": {i}}}").ToList();
        lines[5] = "{\"a\": ";
        lines[9] = "[1, 2]";
        _harness.Write("in.jsonl", string.Join("\n", lines));

        var run = await _harness.RunAsync("in.jsonl", ExampleGenHarness.OneSplit(new ExampleGenOptions { MaxMalformedFraction = 0.2 }));

        Assert.Equal(18, run.Int64("row_count"));
        Assert.Equal(2, run.Int64("skipped_rows"));
        Assert.Contains(run.Log, l => l.Contains("row 6: invalid JSON", StringComparison.Ordinal));
        Assert.Contains(run.Log, l => l.Contains("row 10: the line is a JSON array", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Execute_NotJson_IsMalformed()
    {
        _harness.Write("in.json", "a,b\n1,2\n");

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.json"));

        Assert.Contains("expected a JSON array of objects or JSON lines", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_StringLongerThanMax_IsMalformed()
    {
        _harness.Write("in.jsonl", "{\"a\": \"" + new string('x', 5000) + "\"}\n");

        var ex = await Assert.ThrowsAsync<MalformedInputException>(
            () => _harness.RunAsync("in.jsonl", new ExampleGenOptions { MaxFieldLength = 1000 }));

        Assert.Contains("longer than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_EmptyArray_FailsWithNoRows()
    {
        _harness.Write("in.json", "[]");

        var ex = await Assert.ThrowsAsync<DataValidationException>(() => _harness.RunAsync("in.json"));

        Assert.Contains("has no rows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_WhitespaceOnlyString_IsMissingNotText()
    {
        _harness.Write("in.jsonl", "{\"x\": 1}\n{\"x\": \"  \"}\n{\"x\": \"\\t\"}\n{\"x\": 2}\n");

        var run = await _harness.RunAsync("in.jsonl", ExampleGenHarness.OneSplit());
        var x = Assert.IsType<NumericColumn>((await run.TableAsync("all"))["x"]);

        Assert.Equal([1d, double.NaN, double.NaN, 2d], x.Values);
    }

    [Fact]
    public async Task Execute_MissingValuesOption_StringsAndNumberLiteralsAreMissing()
    {
        _harness.Write("in.jsonl", "{\"x\": 1}\n{\"x\": \"NA\"}\n{\"x\": -999}\n{\"x\": 2}\n");
        var options = ExampleGenHarness.OneSplit(new ExampleGenOptions { MissingValues = ["", "NA", "-999"] });

        var run = await _harness.RunAsync("in.jsonl", options);
        var x = Assert.IsType<NumericColumn>((await run.TableAsync("all"))["x"]);

        Assert.Equal([1d, double.NaN, double.NaN, 2d], x.Values);
    }

    [Fact]
    public async Task Execute_ForcedNumericNaNString_IsMalformed()
    {
        _harness.Write("in.jsonl", "{\"x\": 1}\n{\"x\": \"NaN\"}\n");
        var options = new ExampleGenOptions { ColumnKinds = new Dictionary<string, ColumnKind> { ["x"] = ColumnKind.Numeric } };

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.jsonl", options));

        Assert.Equal(2, ex.Row);
        Assert.Contains("non-finite number 'NaN' in column 'x'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_BareNaNInJsonArray_SaysItIsNotJson()
    {
        _harness.Write("in.json", "[{\"a\": 1},\n{\"a\": NaN}]");

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.json"));

        Assert.Equal(2, ex.Row);
        Assert.Contains("bare NaN", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_KeysAsValues_FailsAtColumnLimit()
    {
        _harness.Write("in.jsonl", "{" + string.Join(", ", Enumerable.Range(0, 10_001).Select(i => $"\"user_{i}\": 1")) + "}\n");

        var ex = await Assert.ThrowsAsync<DataValidationException>(() => _harness.RunAsync("in.jsonl"));

        Assert.Contains("more than 10000 columns (at 'user_10000')", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_InvalidUtf8_IsMalformedNamingLine()
    {
        var path = _harness.PathOf("in.jsonl");
        await File.WriteAllBytesAsync(path, [.. "{\"city\": \"Bern\"}\n{\"city\": \"Z"u8, 0xFC, .. "rich\"}\n"u8]);

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.jsonl"));

        Assert.Equal(2, ex.Row);
        Assert.Contains("not valid UTF-8", ex.Message, StringComparison.Ordinal);
    }
}
