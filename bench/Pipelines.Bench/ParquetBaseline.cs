using Parquet;
using Parquet.Schema;

namespace Pipelines.Bench;

/// <summary>
/// The floor ExampleGen is compared with: Parquet.Net (the library ExampleGen uses) reading every row group and column of a
/// file into one array per column, with the same calls as <c>ParquetExampleReader</c> (typed <c>ReadAsync</c> into nullable
/// arrays; strings as <c>ReadOnlyMemory&lt;char&gt;?</c>) and nothing else.
/// </summary>
public static class ParquetBaseline
{
    /// <summary>Reads <paramref name="path"/>; returns (rows, columns).</summary>
    public static async Task<(long Rows, int Columns)> ReadAsync(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        await using (stream)
        {
            await using var reader = await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true);
            var fields = reader.Schema.GetDataFields();
            var total = (int)reader.RowGroups.Sum(g => g.RowCount);
            var columns = fields.Select(f => Allocate(f, total)).ToArray();
            var offset = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var group = reader.OpenRowGroupReader(g);
                var count = (int)group.RowCount;
                for (var i = 0; i < fields.Length; i++)
                {
                    await ReadColumnAsync(group, fields[i], columns[i], offset, count);
                }

                offset += count;
            }

            GC.KeepAlive(columns);
            return (offset, fields.Length);
        }
    }

    private static Array Allocate(DataField field, int rows)
    {
        var t = field.ClrType;
        if (t == typeof(string))
        {
            return new ReadOnlyMemory<char>?[rows];
        }

        return field.IsNullable ? Array.CreateInstance(typeof(Nullable<>).MakeGenericType(t), rows) : Array.CreateInstance(t, rows);
    }

    private static Task ReadColumnAsync(ParquetRowGroupReader group, DataField field, Array target, int offset, int count) => target switch
    {
        ReadOnlyMemory<char>?[] a => group.ReadAsync(field, a.AsMemory(offset, count), null, default).AsTask(),
        DateTime?[] a => group.ReadAsync(field, a.AsMemory(offset, count), null, default).AsTask(),
        DateTime[] a => group.ReadAsync(field, a.AsMemory(offset, count), null, default).AsTask(),
        long?[] a => group.ReadAsync(field, a.AsMemory(offset, count), null, default).AsTask(),
        long[] a => group.ReadAsync(field, a.AsMemory(offset, count), null, default).AsTask(),
        int?[] a => group.ReadAsync(field, a.AsMemory(offset, count), null, default).AsTask(),
        int[] a => group.ReadAsync(field, a.AsMemory(offset, count), null, default).AsTask(),
        double?[] a => group.ReadAsync(field, a.AsMemory(offset, count), null, default).AsTask(),
        double[] a => group.ReadAsync(field, a.AsMemory(offset, count), null, default).AsTask(),
        _ => throw new NotSupportedException($"The baseline reads the flights columns' types only; column '{field.Name}' is {target.GetType().Name}."),
    };
}
