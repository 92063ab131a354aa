using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>
/// Assigns rows to splits deterministically (TFX EG-5): a 64-bit XxHash3 of the row's canonical serialization (or of the
/// partition key's value) modulo the total bucket count; each split owns a consecutive range of buckets in declaration
/// order. The canonical serialization of a row is, per column in ordinal order of the column names, 8 bytes: the value's
/// code — a number's IEEE bits (-0 as 0, missing as one fixed NaN) or the XxHash3 of a string's UTF-16 code units (missing
/// as a fixed value) — XOR the XxHash3 of the column name's UTF-16 code units (a partition key's value is hashed alone). It
/// depends on names and values only, not on the column order, the file format or the dictionary order, so the same row
/// always lands in the same split.
/// </summary>
internal static class SplitAssigner
{
    private const ulong MissingText = 0x9E37_79B9_7F4A_7C15;
    private const ulong MissingNumber = 0x7FF8_0000_0000_0001;
    private const int BlockRows = 4096;

    /// <summary>The rows of each split, in table order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int[][] Assign(ColumnarTable table, IReadOnlyList<SplitRatio> splits, string? partitionKey)
    {
        var total = splits.Sum(s => s.Buckets);
        var splitOfBucket = new byte[total];
        var bucket = 0;
        for (var s = 0; s < splits.Count; s++)
        {
            for (var b = 0; b < splits[s].Buckets; b++)
            {
                splitOfBucket[bucket++] = (byte)s;
            }
        }

        // By name, so re-exporting the same rows with the columns in another order keeps every row in its split.
        IReadOnlyList<Column> hashed = partitionKey is null
            ? [.. table.Columns.OrderBy(c => c.Name, StringComparer.Ordinal)]
            : [table[partitionKey]];
        var names = hashed.Select(c => partitionKey is null ? XxHash3.HashToUInt64(MemoryMarshal.AsBytes(c.Name.AsSpan())) : 0UL).ToArray();
        var dictionaries = hashed.Select(DictionaryHashes).ToArray();
        var width = hashed.Count;
        var rows = table.RowCount;
        var assignment = new byte[rows];
        var counts = new int[splits.Count];

        // Rows are serialized a block at a time (row-major within the block), so memory stays small and hashing sequential.
        var block = new ulong[BlockRows * width];
        for (var start = 0; start < rows; start += BlockRows)
        {
            var n = Math.Min(BlockRows, rows - start);
            for (var c = 0; c < width; c++)
            {
                Serialize(hashed[c], dictionaries[c], names[c], start, n, block.AsSpan(), c, width);
            }

            for (var r = 0; r < n; r++)
            {
                var hash = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(block.AsSpan(r * width, width)));
                var s = splitOfBucket[(int)(hash % (ulong)total)];
                assignment[start + r] = s;
                counts[s]++;
            }
        }

        var result = new int[splits.Count][];
        var filled = new int[splits.Count];
        for (var s = 0; s < splits.Count; s++)
        {
            result[s] = new int[counts[s]];
        }

        for (var r = 0; r < rows; r++)
        {
            var s = assignment[r];
            result[s][filled[s]++] = r;
        }

        return result;
    }

    private static ulong[]? DictionaryHashes(Column column)
    {
        if (column is not TextColumn text)
        {
            return null;
        }

        var hashes = new ulong[text.Dictionary.Length];
        for (var d = 0; d < hashes.Length; d++)
        {
            hashes[d] = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text.Dictionary[d].AsSpan()));
        }

        return hashes;
    }

    // Writes the canonical 8-byte codes of rows [start, start + n) of a column, XOR its name's hash, into every `stride`-th
    // slot from `offset`.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Serialize(Column column, ulong[]? dictionary, ulong name, int start, int n, Span<ulong> target, int offset, int stride)
    {
        switch (column)
        {
            case NumericColumn numeric:
            {
                var values = numeric.Values.AsSpan(start, n);
                for (var i = 0; i < values.Length; i++)
                {
                    var v = values[i];
                    target[offset + (i * stride)] = name ^ (double.IsNaN(v) ? MissingNumber : (ulong)BitConverter.DoubleToInt64Bits(v == 0 ? 0d : v));
                }

                break;
            }

            case TextColumn text:
            {
                var codes = text.Codes.AsSpan(start, n);
                for (var i = 0; i < codes.Length; i++)
                {
                    var code = codes[i];
                    target[offset + (i * stride)] = name ^ (code < 0 ? MissingText : dictionary![code]);
                }

                break;
            }

            default:
                throw new NotSupportedException($"Column type {column.GetType().Name} cannot be hashed.");
        }
    }
}
