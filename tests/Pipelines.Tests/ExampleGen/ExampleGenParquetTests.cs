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
