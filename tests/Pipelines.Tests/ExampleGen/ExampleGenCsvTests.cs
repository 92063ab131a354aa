using Pipelines.Components;
using Pipelines.Data;

namespace Pipelines.Tests.ExampleGen;

public sealed class ExampleGenCsvTests : IDisposable
{
    private readonly ExampleGenHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Execute_QuotedFields_KeepsSeparatorsQuotesAndLineBreaks()
    {
        _harness.Write("in.csv", "name,comment,n\r\n\"Smith, J\",\"said \"\"hi\"\"\nthen left\",1\r\nplain,,2\r\n");

        var run = await _harness.RunAsync("in.csv", ExampleGenHarness.OneSplit());
        var table = await run.TableAsync("all");

        var name = (TextColumn)table["name"];
        var comment = (TextColumn)table["comment"];
        Assert.Equal(2, table.RowCount);
        Assert.Equal("Smith, J", name[0]);
        Assert.Equal("said \"hi\"\nthen left", comment[0]);
        Assert.Null(comment[1]);
        Assert.Equal([1d, 2d], ((NumericColumn)table["n"]).Values);
    }

    [Fact]
    public async Task Execute_EmptyNumericField_StaysMissingNotZero()
    {
        _harness.Write("in.csv", "a,b\n1,\n,2\n3,4\n");

        var run = await _harness.RunAsync("in.csv", ExampleGenHarness.OneSplit());
        var table = await run.TableAsync("all");

        var a = (NumericColumn)table["a"];
        var b = (NumericColumn)table["b"];
        Assert.Equal(ColumnKind.Numeric, a.Kind);
        Assert.Equal(1, a.Values[0]);
        Assert.True(double.IsNaN(a.Values[1]));
        Assert.True(double.IsNaN(b.Values[0]));
        Assert.Equal(2, b.Values[1]);
    }

    [Fact]
    public async Task Execute_SeparatorOption_SplitsOnIt()
    {
        _harness.Write("in.csv", "a;b\n1,5;x\n2;y\n");

        var run = await _harness.RunAsync("in.csv", ExampleGenHarness.OneSplit(new ExampleGenOptions { Separator = ';' }));
        var table = await run.TableAsync("all");

        var a = (TextColumn)table["a"];
        Assert.Equal("1,5", a[0]);
        Assert.Equal("y", ((TextColumn)table["b"])[1]);
    }

    [Fact]
    public async Task Execute_TsvExtension_UsesTab()
    {
        _harness.Write("in.tsv", "a\tb\n1\thello, world\n");

        var run = await _harness.RunAsync("in.tsv", ExampleGenHarness.OneSplit());
        var table = await run.TableAsync("all");

        Assert.Equal("hello, world", ((TextColumn)table["b"])[0]);
        Assert.Equal(1, ((NumericColumn)table["a"]).Values[0]);
    }

    [Fact]
    public async Task Execute_TypeInference_NumericOnlyWhenEveryValueParses()
    {
        _harness.Write("in.csv", "num,mixed,text,sci\n1.5,1,a,1e3\n-2,x,b,-2.5E-1\n 3 ,3,c,\n");

        var run = await _harness.RunAsync("in.csv", ExampleGenHarness.OneSplit());
        var table = await run.TableAsync("all");

        Assert.Equal(ColumnKind.Numeric, table["num"].Kind);
        Assert.Equal([1.5, -2, 3], ((NumericColumn)table["num"]).Values);
        Assert.Equal(ColumnKind.Text, table["mixed"].Kind);
        Assert.Equal(["1", "x", "3"], Enumerable.Range(0, 3).Select(i => ((TextColumn)table["mixed"])[i]));
        Assert.Equal(ColumnKind.Text, table["text"].Kind);
        Assert.Equal(ColumnKind.Numeric, table["sci"].Kind);
        Assert.Equal(1000, ((NumericColumn)table["sci"]).Values[0]);
    }

    [Fact]
    public async Task Execute_TextAfterManyNumbers_KeepsOriginalSpelling()
    {
        var lines = Enumerable.Range(0, 5000).Select(i => $"{i}.50").Append("n/a");
        _harness.Write("in.csv", "v\n" + string.Join("\n", lines) + "\n");

        var run = await _harness.RunAsync("in.csv", ExampleGenHarness.OneSplit());
        var v = (TextColumn)(await run.TableAsync("all"))["v"];

        Assert.Equal("0.50", v[0]);
        Assert.Equal("4999.50", v[4999]);
        Assert.Equal("n/a", v[5000]);
    }

    [Fact]
    public async Task Execute_GivenKinds_OverrideInference()
    {
        _harness.Write("in.csv", "zip,when,n\n01234,2024-01-02T03:04:05Z,7\n99999,2024-01-03,8\n");
        var options = ExampleGenHarness.OneSplit(new ExampleGenOptions
        {
            ColumnKinds = new Dictionary<string, ColumnKind> { ["zip"] = ColumnKind.Text, ["when"] = ColumnKind.Timestamp },
        });

        var run = await _harness.RunAsync("in.csv", options);
        var table = await run.TableAsync("all");

        Assert.Equal("01234", ((TextColumn)table["zip"])[0]);
        var when = (NumericColumn)table["when"];
        Assert.Equal(ColumnKind.Timestamp, when.Kind);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero).ToUnixTimeSeconds(), when.Values[0]);
        Assert.Equal(new DateTimeOffset(2024, 1, 3, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), when.Values[1]);
    }

    [Fact]
    public async Task Execute_ForcedNumericWithText_IsMalformedRow()
    {
        _harness.Write("in.csv", "a\n1\nabc\n");
        var options = new ExampleGenOptions { ColumnKinds = new Dictionary<string, ColumnKind> { ["a"] = ColumnKind.Numeric } };

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.csv", options));

        Assert.Equal(3, ex.Row);
        Assert.Contains("'abc' is not a number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_WrongFieldCount_NamesFileLineAndCounts()
    {
        var path = _harness.Write("in.csv", "a,b,c,d,e,f,g\n1,2,3,4,5,6,7\n\"multi\nline\",2,3,4,5,6,7\n1,2,3,4,5\n");

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.csv"));

        Assert.Equal(path, ex.File);
        Assert.Equal(5, ex.Row);
        Assert.Contains("expected 7 fields, found 5", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_UnclosedQuote_ThrowsMalformedInput()
    {
        _harness.Write("in.csv", "a,b\n1,2\n3,\"never closed\n4,5\n");

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.csv"));

        Assert.Equal(3, ex.Row);
        Assert.Contains("quote opened at line 3 is never closed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_TextAfterClosingQuote_ThrowsMalformedInput()
    {
        _harness.Write("in.csv", "a,b\n\"x\"y,2\n");

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.csv"));

        Assert.Equal(2, ex.Row);
        Assert.Contains("after the closing quote", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Execute_FieldLongerThanMax_ThrowsMalformedInput(bool quoted)
    {
        var path = _harness.PathOf("big.csv");
        await using (var writer = new StreamWriter(path))
        {
            await writer.WriteAsync("a,b\n1,");
            if (quoted)
            {
                await writer.WriteAsync('"');
            }

            var chunk = new string('x', 1 << 20);
            for (var i = 0; i < 20; i++)
            {
                await writer.WriteAsync(chunk);
            }

            await writer.WriteAsync(quoted ? "\"\n" : "\n");
        }

        var ex = await Assert.ThrowsAsync<MalformedInputException>(
            () => _harness.RunAsync("big.csv", new ExampleGenOptions { MaxFieldLength = 1 << 20 }));

        Assert.Equal(2, ex.Row);
        Assert.Contains("longer than MaxFieldLength (1048576 characters)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_MalformedWithinFraction_SkipsAndCounts()
    {
        var rows = Enumerable.Range(0, 98).Select(i => $"{i},x").Concat(["1", "1,2,3"]);
        _harness.Write("in.csv", "a,b\n" + string.Join("\n", rows) + "\n");

        var run = await _harness.RunAsync("in.csv", new ExampleGenOptions { MaxMalformedFraction = 0.05 });

        Assert.Equal(98, run.Int64("row_count"));
        Assert.Equal(2, run.Int64("skipped_rows"));
        Assert.Contains(run.Log, l => l.Contains("expected 2 fields, found 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Execute_MalformedBeyondFraction_FailsWithBothNumbers()
    {
        var rows = Enumerable.Range(0, 90).Select(i => $"{i},x").Concat(Enumerable.Repeat("1", 10));
        _harness.Write("in.csv", "a,b\n" + string.Join("\n", rows) + "\n");

        var ex = await Assert.ThrowsAsync<DataValidationException>(
            () => _harness.RunAsync("in.csv", new ExampleGenOptions { MaxMalformedFraction = 0.05 }));

        Assert.Contains("10 of 100 rows are malformed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxMalformedFraction 0.05", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_EmptyFile_FailsSayingEmpty()
    {
        var path = _harness.Write("in.csv", "");

        var ex = await Assert.ThrowsAsync<DataValidationException>(() => _harness.RunAsync("in.csv"));

        Assert.Contains($"'{path}' is empty", ex.Message, StringComparison.Ordinal);
        Assert.Contains("header row", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_HeaderOnly_FailsWithNoRows()
    {
        _harness.Write("in.csv", "a,b\n\n");

        var ex = await Assert.ThrowsAsync<DataValidationException>(() => _harness.RunAsync("in.csv"));

        Assert.Contains("has no rows", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_MissingLabelColumn_NamesColumnFileAndAvailableColumns()
    {
        var path = _harness.Write("in.csv", "Species,Island\nAdelie,Biscoe\n");

        var ex = await Assert.ThrowsAsync<DataValidationException>(
            () => _harness.RunAsync("in.csv", new ExampleGenOptions { LabelColumn = "species" }));

        Assert.Contains("Label column 'species'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Available columns: Species, Island", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'Species'?", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_DirectoryOfFiles_ConcatenatesInNameOrder()
    {
        _harness.Write("dir/b.csv", "x,y\n3,c\n");
        _harness.Write("dir/a.csv", "y,x\nz,1\nw,2\n");
        _harness.Write("dir/README.md", "not data");

        var run = await _harness.RunAsync("dir", ExampleGenHarness.OneSplit());
        var table = await run.TableAsync("all");

        Assert.Equal(2, run.External.Files.Count);
        Assert.Equal([1d, 2d, 3d], ((NumericColumn)table["x"]).Values);
        Assert.Equal("c", ((TextColumn)table["y"])[2]);
    }

    [Fact]
    public async Task Execute_FilesWithDifferentColumns_NamesBothFiles()
    {
        var a = _harness.Write("dir/a.csv", "x,y\n1,2\n");
        var b = _harness.Write("dir/b.csv", "x,z\n1,2\n");

        var ex = await Assert.ThrowsAsync<DataValidationException>(() => _harness.RunAsync("dir"));

        Assert.Contains(a, ex.Message, StringComparison.Ordinal);
        Assert.Contains(b, ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing 'y'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("extra 'z'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_Output_ReadsBackWithMissingPreservedAndProperties()
    {
        _harness.Write("in.csv", "n,t\n1,a\n,\n3,c\n");

        var run = await _harness.RunAsync("in.csv", ExampleGenHarness.OneSplit());
        var table = await ColumnarFormat.ReadAsync(run.Examples.SplitUri("all"), CancellationToken.None);

        Assert.True(table["n"].IsMissing(1));
        Assert.True(table["t"].IsMissing(1));
        Assert.False(table["t"].IsMissing(2));
        Assert.Equal(["all"], run.SplitNames);
        Assert.Equal(3, run.Int64("row_count"));
        Assert.Equal(3, run.Int64("row_count_all"));
        Assert.Equal(0, run.Int64("skipped_rows"));
        Assert.Equal(0, run.Int64("span"));
        Assert.False(run.Properties.ContainsKey("version"));
    }
}
