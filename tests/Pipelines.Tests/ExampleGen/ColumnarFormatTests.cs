using Pipelines.Data;

namespace Pipelines.Tests.ExampleGen;

public sealed class ColumnarFormatTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "columnar-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task WriteAsync_SelectedRows_WritesTheSameFilesAsTheGatheredTable()
    {
        // More rows than the write buffer (16,384), missing values in both kinds, rows out of a longer table.
        var random = new Random(7);
        const int Count = 40_000;
        var numbers = Enumerable.Range(0, Count).Select(i => i % 97 == 0 ? double.NaN : random.NextDouble() * 1000).ToArray();
        var codes = Enumerable.Range(0, Count).Select(i => i % 53 == 0 ? -1 : random.Next(3)).ToArray();
        var table = new ColumnarTable([new NumericColumn("x", numbers, ColumnKind.Timestamp), new TextColumn("s", codes, ["a", "bé", "c"])]);
        var rows = Enumerable.Range(0, Count).Where(i => random.NextDouble() < 0.6).ToArray();

        await ColumnarFormat.WriteAsync(table.Gather(rows), Path.Combine(_root, "gathered"), CancellationToken.None);
        await ColumnarFormat.WriteAsync(table, rows, Path.Combine(_root, "selected"), CancellationToken.None);

        foreach (var file in Directory.GetFiles(Path.Combine(_root, "gathered")).Select(Path.GetFileName))
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_root, "gathered", file!)), await File.ReadAllBytesAsync(Path.Combine(_root, "selected", file!)));
        }

        var read = await ColumnarFormat.ReadAsync(Path.Combine(_root, "selected"), CancellationToken.None);
        Assert.Equal(rows.Length, read.RowCount);
        Assert.Equal(rows.Select(r => numbers[r]), ((NumericColumn)read["x"]).Values);
        Assert.Equal(rows.Select(r => codes[r]), ((TextColumn)read["s"]).Codes);
        Assert.Equal(ColumnKind.Timestamp, read["x"].Kind);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(777)]
    [InlineData(1_000)] // all rows
    [InlineData(5_000)] // more than the split has: all rows
    public async Task ReadAsync_FirstRows_GivesThePrefixOfEveryColumn(int maxRows)
    {
        var random = new Random(3);
        const int Count = 1_000;
        var numbers = Enumerable.Range(0, Count).Select(i => i % 13 == 0 ? double.NaN : random.NextDouble()).ToArray();
        var codes = Enumerable.Range(0, Count).Select(i => i % 11 == 0 ? -1 : random.Next(4)).ToArray();
        var directory = Path.Combine(_root, "prefix");
        await ColumnarFormat.WriteAsync(new ColumnarTable([new NumericColumn("x", numbers), new TextColumn("s", codes, ["a", "bé", "", "d"])]), directory, CancellationToken.None);

        var read = await ColumnarFormat.ReadAsync(directory, null, maxRows, CancellationToken.None);

        var rows = Math.Min(maxRows, Count);
        Assert.Equal(rows, read.RowCount);
        Assert.Equal(numbers.Take(rows), ((NumericColumn)read["x"]).Values);
        Assert.Equal(codes.Take(rows), ((TextColumn)read["s"]).Codes);
        Assert.Equal(["a", "bé", "", "d"], ((TextColumn)read["s"]).Dictionary);
    }

    [Theory]
    [InlineData("c000.f64", -8, "rows need")] // a numeric file one value short
    [InlineData("c001.txt", -4, "truncated in its dictionary")] // a text file one code short: the codes eat into the dictionary
    [InlineData("c001.txt", 4, "holds 4 codes after its dictionary; expected 3")] // a text file with a code too many
    public async Task ReadAsync_CorruptFile_NamesTheFileAndWhatIsWrong(string file, int resizeBy, string problem)
    {
        var directory = Path.Combine(_root, "corrupt");
        await ColumnarFormat.WriteAsync(new ColumnarTable([new NumericColumn("x", [1, 2, 3]), new TextColumn("s", [0, 1, -1], ["a", "b"])]), directory, CancellationToken.None);
        var path = Path.Combine(directory, file);
        var bytes = await File.ReadAllBytesAsync(path);
        var resized = new byte[bytes.Length + resizeBy];
        Array.Fill(resized, (byte)0x7F);
        bytes.AsSpan(0, Math.Min(bytes.Length, resized.Length)).CopyTo(resized);
        await File.WriteAllBytesAsync(path, resized);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ColumnarFormat.ReadAsync(directory, CancellationToken.None));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains("The artifact is corrupt.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkReader_RowRangesIntoOneReusedChunk_EqualTheWholeReadAndLeaveOtherColumnsOut()
    {
        var random = new Random(3);
        const int Count = 10_000;
        var numbers = Enumerable.Range(0, Count).Select(i => i % 31 == 0 ? double.NaN : random.NextDouble()).ToArray();
        var codes = Enumerable.Range(0, Count).Select(i => i % 17 == 0 ? -1 : random.Next(4)).ToArray();
        var table = new ColumnarTable([new NumericColumn("x", numbers, ColumnKind.Timestamp), new TextColumn("s", codes, ["a", "b", "cé", "d"]),
            new NumericColumn("unread", new double[Count])]);
        var directory = Path.Combine(_root, "split");
        await ColumnarFormat.WriteAsync(table, directory, CancellationToken.None);

        using var reader = ColumnarChunkReader.Open(directory, ["s", "x"]);
        var chunk = reader.CreateChunk(3_000);

        Assert.Equal(Count, reader.RowCount);
        Assert.False(chunk.Contains("unread"));
        Assert.Equal(ColumnKind.Timestamp, chunk["x"].Kind);
        foreach (var (first, rows) in new[] { (0, 3_000), (3_000, 3_000), (9_999, 1), (7_000, 3_000), (1, 2_999) })
        {
            reader.Fill(chunk, first, rows);
            Assert.Equal(numbers.AsSpan(first, rows).ToArray(), ((NumericColumn)chunk["x"]).Values.AsSpan(0, rows).ToArray());
            Assert.Equal(codes.AsSpan(first, rows).ToArray(), ((TextColumn)chunk["s"]).Codes.AsSpan(0, rows).ToArray());
            Assert.Equal(["a", "b", "cé", "d"], ((TextColumn)chunk["s"]).Dictionary);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Fill(chunk, 9_000, 1_001));
    }

    [Theory]
    [InlineData(64)] // many ranges, some holding no wanted row
    [InlineData(65_536)] // one range
    public async Task ChunkReader_ReadRows_EqualsTheWholeReadGathered(int chunkRows)
    {
        var random = new Random(5);
        const int Count = 5_000;
        var numbers = Enumerable.Range(0, Count).Select(i => i % 31 == 0 ? double.NaN : random.NextDouble()).ToArray();
        var codes = Enumerable.Range(0, Count).Select(i => i % 17 == 0 ? -1 : random.Next(3)).ToArray();
        var directory = Path.Combine(_root, "sample");
        await ColumnarFormat.WriteAsync(new ColumnarTable([new NumericColumn("x", numbers, ColumnKind.Timestamp), new TextColumn("s", codes, ["a", "b", "cé"])]), directory, CancellationToken.None);
        int[] rows = [0, 1, 2, 63, 64, 200, 1_000, 1_001, 4_998, 4_999];

        using var reader = ColumnarChunkReader.Open(directory, ["x", "s"]);
        var sample = reader.ReadRows(rows, chunkRows);

        Assert.Equal(rows.Length, sample.RowCount);
        Assert.Equal(rows.Select(r => numbers[r]), ((NumericColumn)sample["x"]).Values);
        Assert.Equal(ColumnKind.Timestamp, sample["x"].Kind);
        Assert.Equal(rows.Select(r => codes[r]), ((TextColumn)sample["s"]).Codes);
        Assert.Equal(["a", "b", "cé"], ((TextColumn)sample["s"]).Dictionary);
        Assert.Equal(0, reader.ReadRows([]).RowCount);
        Assert.Contains("not after the one before it", Assert.Throws<ArgumentException>(() => reader.ReadRows([3, 3])).Message, StringComparison.Ordinal);
        Assert.Contains("outside the split's 5000 rows", Assert.Throws<ArgumentException>(() => reader.ReadRows([4, Count])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkReader_CodeOutsideTheDictionaryOrUnknownColumn_SaysWhatIsWrongAndWhere()
    {
        var directory = Path.Combine(_root, "split");
        await ColumnarFormat.WriteAsync(new ColumnarTable([new TextColumn("s", [0, 1, 0, 1], ["a", "b"])]), directory, CancellationToken.None);
        var file = Directory.GetFiles(directory, "*.txt").Single();
        var bytes = await File.ReadAllBytesAsync(file);
        BitConverter.GetBytes(5).CopyTo(bytes, bytes.Length - 4); // the last row's code: 5 of a dictionary of 2
        await File.WriteAllBytesAsync(file, bytes);

        var missing = Assert.Throws<KeyNotFoundException>(() => ColumnarChunkReader.Open(directory, ["s", "t"]));
        Assert.Contains("has no column(s) 't'. Columns: s", missing.Message, StringComparison.Ordinal);
        using var reader = ColumnarChunkReader.Open(directory, ["s"]);
        var chunk = reader.CreateChunk(2);
        reader.Fill(chunk, 0, 2);
        var corrupt = Assert.Throws<InvalidDataException>(() => reader.Fill(chunk, 2, 2));
        Assert.Equal($"'{file}' has code 5 outside its dictionary of 2. The artifact is corrupt.", corrupt.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
