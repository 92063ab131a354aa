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
        Assert.False(run.Properties.ContainsKey("span"));
        Assert.False(run.Properties.ContainsKey("version"));
    }

    [Fact]
    public async Task Execute_WhitespaceOnlyCells_AreMissingAndKeepColumnNumeric()
    {
        _harness.Write("in.csv", "n,t\n1,a\n ,\t\n\t, \n 3.5 ,d\n");

        var run = await _harness.RunAsync("in.csv", ExampleGenHarness.OneSplit());
        var table = await run.TableAsync("all");

        var n = Assert.IsType<NumericColumn>(table["n"]);
        Assert.Equal([1d, double.NaN, double.NaN, 3.5], n.Values);
        var t = (TextColumn)table["t"];
        Assert.True(t.IsMissing(1));
        Assert.True(t.IsMissing(2));
        Assert.Equal("d", t[3]);
    }

    [Fact]
    public async Task Execute_NumbersWithSpacesInTextColumn_KeepTheirSpelling()
    {
        _harness.Write("in.csv", "v\n 3.5 \nx\n");

        var run = await _harness.RunAsync("in.csv", ExampleGenHarness.OneSplit());
        var v = (TextColumn)(await run.TableAsync("all"))["v"];

        Assert.Equal(" 3.5 ", v[0]);
        Assert.Equal("x", v[1]);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("-NaN")]
    [InlineData("Inf")]
    [InlineData("-inf")]
    [InlineData("Infinity")]
    [InlineData("+INFINITY")]
    public async Task Execute_NonFiniteTokenInNumericColumn_IsMalformedRow(string token)
    {
        var path = _harness.Write("in.csv", $"x,y\n1,a\n{token},b\n3,c\n");

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.csv"));

        Assert.Equal(path, ex.File);
        Assert.Equal(3, ex.Row);
        Assert.Contains($"non-finite number '{token}' in column 'x'; list it in MissingValues to treat it as missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_NumberOutOfRange_IsMalformedRow()
    {
        _harness.Write("in.csv", "x\n1\n1e400\n");

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.csv"));

        Assert.Equal(3, ex.Row);
        Assert.Contains("number '1e400' in column 'x' is out of range", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_NonFiniteTokenWithinFraction_SkipsRowAndCounts()
    {
        _harness.Write("in.csv", "x,y\n1,a\nNaN,b\n3,c\n-Inf,d\n");

        var run = await _harness.RunAsync("in.csv", ExampleGenHarness.OneSplit(new ExampleGenOptions { MaxMalformedFraction = 0.5 }));
        var table = await run.TableAsync("all");

        Assert.Equal(2, run.Int64("row_count"));
        Assert.Equal(2, run.Int64("skipped_rows"));
        Assert.Equal([1d, 3d], ((NumericColumn)table["x"]).Values);
        Assert.Equal(["a", "c"], Enumerable.Range(0, 2).Select(i => ((TextColumn)table["y"])[i]));
        Assert.Contains(run.Log, l => l.Contains("non-finite number 'NaN' in column 'x'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Execute_NanWordInTextColumn_StaysText()
    {
        _harness.Write("in.csv", "name\nNan\nBob\nInf\n");

        var run = await _harness.RunAsync("in.csv", ExampleGenHarness.OneSplit());
        var name = Assert.IsType<TextColumn>((await run.TableAsync("all"))["name"]);

        Assert.Equal(["Nan", "Bob", "Inf"], Enumerable.Range(0, 3).Select(i => name[i]));
        Assert.Equal(0, run.Int64("skipped_rows"));
    }

    [Fact]
    public async Task Execute_MissingValuesOption_TokensAreMissingInEveryKind()
    {
        _harness.Write("in.csv", "x,t\n1,a\nNA,NA\n ? ,b\nNaN,null\n");
        var options = ExampleGenHarness.OneSplit(new ExampleGenOptions { MissingValues = ["", "NA", "?", "NaN", "null"] });

        var run = await _harness.RunAsync("in.csv", options);
        var table = await run.TableAsync("all");

        Assert.Equal([1d, double.NaN, double.NaN, double.NaN], Assert.IsType<NumericColumn>(table["x"]).Values);
        var t = (TextColumn)table["t"];
        Assert.Equal(["a", null, "b", null], Enumerable.Range(0, 4).Select(i => t[i]));
    }

    [Fact]
    public async Task Execute_AllowNonFinite_NaNIsMissingButInfinityIsMalformed()
    {
        _harness.Write("in.csv", "x\n1\nnan\n3\n");
        _harness.Write("inf.csv", "x\n1\nInfinity\n");
        var options = ExampleGenHarness.OneSplit(new ExampleGenOptions { AllowNonFinite = true });

        var run = await _harness.RunAsync("in.csv", options);
        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("inf.csv", options));

        var x = ((NumericColumn)(await run.TableAsync("all"))["x"]).Values;
        Assert.Equal([1d, double.NaN, 3d], x);
        Assert.Equal(3, ex.Row);
        Assert.Contains("non-finite number 'Infinity'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_ForcedNumericWithNaN_IsMalformedRow()
    {
        _harness.Write("in.csv", "a\n1\nNaN\n");
        var options = new ExampleGenOptions { ColumnKinds = new Dictionary<string, ColumnKind> { ["a"] = ColumnKind.Numeric } };

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.csv", options));

        Assert.Equal(3, ex.Row);
        Assert.Contains("non-finite number 'NaN' in column 'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_StrayQuoteWithinFraction_CountsEverySwallowedLine()
    {
        // Line 3 opens a quote that closes on line 6, followed by text: lines 3-6 are one malformed record.
        var good = string.Concat(Enumerable.Range(0, 100).Select(i => $"{i},{i}\n"));
        _harness.Write("in.csv", "a,b\n1,2\n3,\"oops\n4,5\n6,7\n8,9\"z\n" + good);

        var run = await _harness.RunAsync("in.csv", new ExampleGenOptions { MaxMalformedFraction = 0.1 });

        Assert.Equal(101, run.Int64("row_count"));
        Assert.Equal(4, run.Int64("skipped_rows"));
        Assert.Contains(run.Log, l => l.Contains("lines 3-6", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Execute_StrayQuoteSwallowingLines_CountsTowardFraction()
    {
        var good = string.Concat(Enumerable.Range(0, 19).Select(i => $"{i},{i}\n"));
        _harness.Write("in.csv", "a,b\n1,2\n3,\"oops\n4,5\n6,7\n8,9\"z\n" + good);

        var ex = await Assert.ThrowsAsync<DataValidationException>(
            () => _harness.RunAsync("in.csv", new ExampleGenOptions { MaxMalformedFraction = 0.1 }));

        Assert.Contains("4 of 24 rows are malformed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_UnclosedQuoteWithinFraction_FailsNamingQuoteLine()
    {
        var path = _harness.Write("in.csv", "a,b\n1,2\n3,4\n5,\"open\n6,7\n8,9\n");

        var ex = await Assert.ThrowsAsync<MalformedInputException>(
            () => _harness.RunAsync("in.csv", new ExampleGenOptions { MaxMalformedFraction = 0.9 }));

        Assert.Equal(path, ex.File);
        Assert.Equal(4, ex.Row);
        Assert.Contains("a quote opened at line 4 is never closed before the end of the file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_UnclosedQuoteInLaterField_NamesLineWhereQuoteOpened()
    {
        _harness.Write("in.csv", "a,b\n\"multi\nline\",\"open\n1,2\n");

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.csv"));

        Assert.Equal(3, ex.Row);
        Assert.Contains("a quote opened at line 3 is never closed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_Utf8BomAndCrLf_HeaderNameWithoutBom()
    {
        var path = _harness.PathOf("in.csv");
        await File.WriteAllBytesAsync(path, [0xEF, 0xBB, 0xBF, .. "id,v\r\n1,2\r\n3,4\r\n"u8]);

        var run = await _harness.RunAsync("in.csv", ExampleGenHarness.OneSplit());
        var table = await run.TableAsync("all");

        Assert.Equal(["id", "v"], table.Columns.Select(c => c.Name));
        Assert.Equal([1d, 3d], ((NumericColumn)table["id"]).Values);
        Assert.Equal([2d, 4d], ((NumericColumn)table["v"]).Values);
    }

    [Fact]
    public async Task Execute_DuplicateHeaderNames_NamesColumnAndLine()
    {
        _harness.Write("in.csv", "\n\nid,v, id\n1,2,3\n");

        var ex = await Assert.ThrowsAsync<DataValidationException>(() => _harness.RunAsync("in.csv"));

        Assert.Contains("line 3: column 'id' appears twice in the header", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_InvalidUtf8_IsMalformedNamingLine()
    {
        var path = _harness.PathOf("in.csv");
        await File.WriteAllBytesAsync(path, [.. "id,city\n1,Bern\n2,Z"u8, 0xFC, .. "rich\n3,Basel\n"u8]);

        var ex = await Assert.ThrowsAsync<MalformedInputException>(
            () => _harness.RunAsync("in.csv", new ExampleGenOptions { MaxMalformedFraction = 0.5 }));

        Assert.Equal(3, ex.Row);
        Assert.Contains("not valid UTF-8", ex.Message, StringComparison.Ordinal);
    }
}
