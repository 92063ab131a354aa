using System.IO.Hashing;
using System.Runtime.InteropServices;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>
/// Assigns rows to splits deterministically (TFX EG-5): a 64-bit XxHash3 of the row's canonical serialization (or of the
/// partition key's value) modulo the total bucket count; each split owns a consecutive range of buckets in declaration
/// order. The canonical serialization of a row is, per column in order, 8 bytes: a number's IEEE bits (-0 as 0, missing as
/// one fixed NaN) or the XxHash3 of a string's UTF-16 code units (missing as a fixed value). It depends on values only, not on
/// the file format or the dictionary order, so the same row always lands in the same split.
/// </summary>
internal static class SplitAssigner
{
    private const ulong MissingText = 0x9E37_79B9_7F4A_7C15;
    private const ulong MissingNumber = 0x7FF8_0000_0000_0001;

    /// <summary>The rows of each split, in table order.</summary>
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

        var rows = table.RowCount;
        var assignment = new byte[rows];
        var counts = new int[splits.Count];
        if (partitionKey is not null)
        {
            var values = ValueCodes(table[partitionKey]);
            for (var r = 0; r < rows; r++)
            {
                var hash = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(new ReadOnlySpan<ulong>(in values[r])));
                counts[assignment[r] = splitOfBucket[(int)(hash % (ulong)total)]]++;
            }
        }
        else
        {
            var columns = table.Columns.Select(ValueCodes).ToArray();
            var row = new ulong[columns.Length];
            var bytes = MemoryMarshal.AsBytes(row.AsSpan());
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    row[c] = columns[c][r];
                }

                var hash = XxHash3.HashToUInt64(bytes);
                counts[assignment[r] = splitOfBucket[(int)(hash % (ulong)total)]]++;
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

    // Per row, the 8-byte canonical code of the column's value.
    private static ulong[] ValueCodes(Column column)
    {
        var codes = GC.AllocateUninitializedArray<ulong>(column.Length);
        switch (column)
        {
            case NumericColumn numeric:
            {
                var values = numeric.Values;
                for (var i = 0; i < values.Length; i++)
                {
                    var v = values[i];
                    codes[i] = double.IsNaN(v) ? MissingNumber : (ulong)BitConverter.DoubleToInt64Bits(v == 0 ? 0d : v);
                }

                break;
            }

            case TextColumn text:
            {
                var dictionary = new ulong[text.Dictionary.Length];
                for (var d = 0; d < dictionary.Length; d++)
                {
                    dictionary[d] = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text.Dictionary[d].AsSpan()));
                }

                var source = text.Codes;
                for (var i = 0; i < source.Length; i++)
                {
                    var code = source[i];
                    codes[i] = code < 0 ? MissingText : dictionary[code];
                }

                break;
            }

            default:
                throw new NotSupportedException($"Column type {column.GetType().Name} cannot be hashed.");
        }

        return codes;
    }
}
