using Parquet;
using Parquet.Schema;
using Pipelines.Components;
using Pipelines.Data;

namespace Pipelines.Tests.ExampleGen;

public sealed class ExampleGenParquetTests : IDisposable
{
    private readonly ExampleGenHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Execute_Parquet_RoundTripsKindsAndMissing()
    {
        await WriteSampleAsync("in.parquet");

        var run = await _harness.RunAsync("in.parquet", ExampleGenHarness.OneSplit());
        var table = await run.TableAsync("all");

        Assert.Equal(3, table.RowCount);
        var when = (NumericColumn)table["when"];
        Assert.Equal(ColumnKind.Timestamp, when.Kind);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).ToUnixTimeSeconds(), when.Values[0]);
        Assert.True(when.IsMissing(1));
        Assert.Equal([10d, double.NaN, -3d], ((NumericColumn)table["delay"]).Values);
        Assert.Equal([1.5, 2.5, 3.5], ((NumericColumn)table["ratio"]).Values);
        Assert.Equal([1d, 0d, double.NaN], ((NumericColumn)table["flag"]).Values);
        var origin = (TextColumn)table["origin"];
        Assert.Equal("SFO", origin[0]);
        Assert.Null(origin[1]);
        Assert.Equal("JFK", origin[2]);
    }

    [Fact]
    public async Task Execute_ParquetManyRows_SplitsAndKeepsEveryRow()
    {
        var path = _harness.PathOf("big.parquet");
        var id = new DataField<long>("id");
        var code = new DataField<string>("code");
        var schema = new ParquetSchema(id, code);
        await using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, stream);
            for (var g = 0; g < 3; g++)
            {
                using var group = writer.CreateRowGroup();
                var values = Enumerable.Range(g * 1000, 1000).Select(i => (long)i).ToArray();
                await group.WriteAsync<long>(id, values.AsMemory());
                await group.WriteAsync(code, values.Select(v => v % 7 == 0 ? null : "c" + (v % 13)).ToArray());
            }
        }

        var run = await _harness.RunAsync("big.parquet");

        var train = ((NumericColumn)(await run.TableAsync("train"))["id"]).Values;
        var eval = ((NumericColumn)(await run.TableAsync("eval"))["id"]).Values;
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (double)i), train.Concat(eval).Order());
        Assert.Equal(train.Order(), train); // row groups are decoded two at a time but appended in file order
        Assert.InRange(train.Length, 1850, 2150);
        var trainCodes = (TextColumn)(await run.TableAsync("train"))["code"];
        for (var i = 0; i < train.Length; i++)
        {
            var v = (long)train[i];
            Assert.Equal(v % 7 == 0 ? null : "c" + (v % 13), trainCodes[i]);
        }
    }

    [Fact]
    public async Task Execute_TruncatedParquet_ThrowsMalformedInputNamingFile()
    {
        await WriteSampleAsync("good.parquet");
        var bytes = await File.ReadAllBytesAsync(_harness.PathOf("good.parquet"));
        var path = _harness.PathOf("bad.parquet");
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("bad.parquet"));

        Assert.Equal(path, ex.File);
        Assert.Contains("Parquet", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_CorruptColumnChunk_ThrowsMalformedInputNamingRowGroup()
    {
        await WriteSampleAsync("good.parquet");
        var bytes = await File.ReadAllBytesAsync(_harness.PathOf("good.parquet"));

        // Scribble over the data pages but keep the footer (the last 8 bytes are its length and the magic).
        for (var i = 4; i < bytes.Length / 3; i++)
        {
            bytes[i] = 0xFF;
        }

        var path = _harness.PathOf("bad.parquet");
        await File.WriteAllBytesAsync(path, bytes);

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("bad.parquet"));

        Assert.Equal(path, ex.File);
        Assert.Contains("row group 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_ParquetForcedText_FormatsNumbers()
    {
        await WriteSampleAsync("in.parquet");
        var options = ExampleGenHarness.OneSplit(new ExampleGenOptions
        {
            ColumnKinds = new Dictionary<string, ColumnKind> { ["delay"] = ColumnKind.Text },
        });

        var run = await _harness.RunAsync("in.parquet", options);
        var delay = (TextColumn)(await run.TableAsync("all"))["delay"];

        Assert.Equal("10", delay[0]);
        Assert.Null(delay[1]);
        Assert.Equal("-3", delay[2]);
    }

    [Fact]
    public async Task Execute_ParquetNaN_ThrowsMalformedWithRowIndex()
    {
        var path = await WriteDoublesAsync("in.parquet", [1.5, 2, double.NaN, 4]);

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("in.parquet"));

        Assert.Equal(path, ex.File);
        Assert.Equal(2, ex.Row);
        Assert.Contains("column 'x': non-finite value NaN at row 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AllowNonFinite", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_ParquetNaNWithAllowNonFinite_IsMissing()
    {
        await WriteDoublesAsync("in.parquet", [1.5, double.NaN, 4], nullable: true);

        var run = await _harness.RunAsync("in.parquet", ExampleGenHarness.OneSplit(new ExampleGenOptions { AllowNonFinite = true }));

        var x = ((NumericColumn)(await run.TableAsync("all"))["x"]).Values;
        Assert.Equal([1.5, double.NaN, 4], x);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Execute_ParquetInfinity_IsMalformedEvenWithAllowNonFinite(bool allowNonFinite)
    {
        await WriteDoublesAsync("in.parquet", [1.5, 2, double.NegativeInfinity], nullable: true);

        var ex = await Assert.ThrowsAsync<MalformedInputException>(
            () => _harness.RunAsync("in.parquet", new ExampleGenOptions { AllowNonFinite = allowNonFinite }));

        Assert.Equal(2, ex.Row);
        Assert.Contains("non-finite value -Infinity", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_ParquetWhitespaceAndListedStrings_AreMissing()
    {
        var origin = new DataField<string>("origin");
        await using (var stream = File.Create(_harness.PathOf("in.parquet")))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(origin), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(origin, new[] { "SFO", "  ", "NA", "JFK", "\t" });
        }

        var run = await _harness.RunAsync("in.parquet", ExampleGenHarness.OneSplit(new ExampleGenOptions { MissingValues = ["NA"] }));
        var column = (TextColumn)(await run.TableAsync("all"))["origin"];

        Assert.Equal(["SFO", null, null, "JFK", null], Enumerable.Range(0, 5).Select(i => column[i]));
    }

    [Fact]
    public async Task Execute_ForgedRowCountInFooter_ThrowsMalformedBeforeAllocating()
    {
        // 1234 rows; then every "num_rows = 1234" in the footer (file, row group, column chunk) says 50,000,000: consistent
        // metadata that would size 400 MB buffers per column from a 10 KB file.
        var path = _harness.PathOf("forged.parquet");
        var id = new DataField<long>("id");
        await using (var stream = File.Create(path))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(id, Enumerable.Range(0, 1234).Select(i => (long)i).ToArray().AsMemory());
        }

        var patched = PatchFooterInt64(await File.ReadAllBytesAsync(path), 1234, 50_000_000);
        await File.WriteAllBytesAsync(path, patched);

        var ex = await Assert.ThrowsAsync<MalformedInputException>(() => _harness.RunAsync("forged.parquet"));

        Assert.Equal(path, ex.File);
        Assert.Contains("row group 0 declares 50000000 rows, impossible for a file of", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_ParquetDuplicateColumnNames_NamesColumn()
    {
        var a = new DataField<long>("a");
        var a2 = new DataField<double>("a");
        await using (var stream = File.Create(_harness.PathOf("in.parquet")))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(a, a2), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<long>(a, new long[] { 1, 2 }.AsMemory());
            await group.WriteAsync<double>(a2, new double[] { 3, 4 }.AsMemory());
        }

        var ex = await Assert.ThrowsAsync<DataValidationException>(() => _harness.RunAsync("in.parquet"));

        Assert.Contains("has two columns named 'a'", ex.Message, StringComparison.Ordinal);
    }

    // Rewrites every Thrift compact i64 field (delta 1) holding `from` in the footer to hold `to`, fixing the footer length.
    private static byte[] PatchFooterInt64(byte[] file, long from, long to)
    {
        var footerLength = BitConverter.ToInt32(file, file.Length - 8);
        var footerStart = file.Length - 8 - footerLength;
        byte[] pattern = [0x16, .. Varint(from)];
        byte[] replacement = [0x16, .. Varint(to)];
        var footer = new List<byte>();
        var found = 0;
        for (var i = footerStart; i < file.Length - 8;)
        {
            if (file.AsSpan(i).StartsWith(pattern))
            {
                footer.AddRange(replacement);
                i += pattern.Length;
                found++;
            }
            else
            {
                footer.Add(file[i++]);
            }
        }

        Assert.True(found >= 2, $"expected the row count in the footer at least twice (file and row group), found {found}");
        return [.. file.AsSpan(0, footerStart), .. footer, .. BitConverter.GetBytes(footer.Count), .. "PAR1"u8];
    }

    private static byte[] Varint(long value)
    {
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var bytes = new List<byte>();
        while (zigzag >= 0x80)
        {
            bytes.Add((byte)(zigzag | 0x80));
            zigzag >>= 7;
        }

        bytes.Add((byte)zigzag);
        return [.. bytes];
    }

    private async Task<string> WriteDoublesAsync(string name, double[] values, bool nullable = false)
    {
        var path = _harness.PathOf(name);
        await using var stream = File.Create(path);
        if (nullable)
        {
            var field = new DataField<double?>("x");
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(field, values.Select(v => (double?)v).ToArray().AsMemory());
        }
        else
        {
            var field = new DataField<double>("x");
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<double>(field, values.AsMemory());
        }

        return path;
    }

    private async Task WriteSampleAsync(string name)
    {
        var when = new DataField<DateTime?>("when");
        var delay = new DataField<long?>("delay");
        var ratio = new DataField<double>("ratio");
        var flag = new DataField<bool?>("flag");
        var origin = new DataField<string>("origin");
        var schema = new ParquetSchema(when, delay, ratio, flag, origin);
        await using var stream = File.Create(_harness.PathOf(name));
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<DateTime>(when, new DateTime?[] { new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc), null, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc) }.AsMemory());
        await group.WriteAsync<long>(delay, new long?[] { 10, null, -3 }.AsMemory());
        await group.WriteAsync<double>(ratio, new[] { 1.5, 2.5, 3.5 }.AsMemory());
        await group.WriteAsync<bool>(flag, new bool?[] { true, false, null }.AsMemory());
        await group.WriteAsync(origin, new[] { "SFO", null, "JFK" });
    }
}
