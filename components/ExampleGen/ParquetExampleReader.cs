using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Parquet;
using Parquet.Schema;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>
/// Reads one Parquet file into the table, a row group and a column at a time on whole arrays (the hot path): numbers,
/// booleans and durations → Numeric, dates and timestamps → Timestamp (seconds since the Unix epoch), strings → Text.
/// Parquet.Net's failures on a truncated or corrupt file become <see cref="MalformedInputException"/>s naming the file,
/// the row group and the column.
/// </summary>
/// <remarks>Row counts come from the file's footer and size the buffers, so they are not trusted blindly: a row group
/// declaring more than <see cref="MaxRowsPerByte"/> rows per byte of the whole file is rejected before anything is
/// allocated, preallocation is capped at <see cref="PreallocatedRowsPerByte"/> rows per byte, and running out of memory
/// while reading a file is reported as that file being malformed.</remarks>
internal static class ParquetExampleReader
{
    /// <summary>The most rows per byte of file a row group may declare. Real data is far below (a column with any variation
    /// costs about a bit per row or more; flights-3m has 0.2 rows per byte); above it, the footer is corrupt or forged (a
    /// "decompression bomb") and honoring it would allocate gigabytes.</summary>
    public const long MaxRowsPerByte = 1024;

    /// <summary>Columns are preallocated for at most this many rows per byte of file (more rows still fit: they grow).</summary>
    public const long PreallocatedRowsPerByte = 8;

    /// <summary>Reads <paramref name="path"/>; returns the rows read.</summary>
    /// <param name="path">The file.</param>
    /// <param name="table">The table to append to.</param>
    /// <param name="allowNaN">Read floating-point NaN as missing (<see cref="ExampleGenOptions.AllowNonFinite"/>); otherwise it
    /// fails the node like an infinity.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<long> ReadAsync(string path, ExampleTableBuilder table, bool allowNaN, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
        await using (stream.ConfigureAwait(false))
        {
            ParquetReader reader;
            try
            {
                reader = await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsParquetFailure(ex))
            {
                throw new MalformedInputException(path, 0, $"not a readable Parquet file (truncated or corrupt?): {ex.Message}", ex);
            }

            await using (reader.ConfigureAwait(false))
            {
                return await ReadAsync(path, stream.Length, reader, table, allowNaN, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<long> ReadAsync(
        string path, long fileLength, ParquetReader reader, ExampleTableBuilder table, bool allowNaN, CancellationToken cancellationToken)
    {
        var fields = reader.Schema.GetDataFields();
        if (reader.Schema.Fields.Count != fields.Length || fields.Any(f => f.IsArray))
        {
            var nested = reader.Schema.Fields.Where(f => f is not DataField || ((DataField)f).IsArray).Select(f => f.Name);
            throw new DataValidationException(
                $"'{path}' has nested or repeated columns ({string.Join(", ", nested)}). ExampleGen reads flat columns only; flatten them when exporting.");
        }

        var kinds = new ColumnKind[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            kinds[i] = NaturalKind(path, fields[i]);
        }

        var declared = CheckRowCounts(path, fileLength, reader);
        if (table.RowCount == 0)
        {
            table.CapacityHint = (int)Math.Min(Math.Min(int.MaxValue, declared), fileLength * PreallocatedRowsPerByte);
        }

        var columns = table.RequireColumns(path, [.. fields.Select(f => f.Name)]);
        for (var i = 0; i < fields.Length; i++)
        {
            columns[i].FixKind(kinds[i], path);
        }

        // Decoding (Parquet.Net) and appending (conversion, string interning) alternate between row groups on two threads:
        // row group g + 1 is decoded while row group g is appended. Appends stay in row group order.
        var firstRow = table.RowCount;
        long rows = 0;
        var appending = Task.CompletedTask;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var group = reader.OpenRowGroupReader(g);
            if (group.RowCount > int.MaxValue - firstRow - rows)
            {
                await appending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw new DataValidationException($"'{path}' has more rows than one Examples artifact can hold ({int.MaxValue}). Split the input into spans.");
            }

            var count = (int)group.RowCount;
            var appends = new Action[fields.Length];
            for (var i = 0; i < fields.Length; i++)
            {
                try
                {
                    appends[i] = await ReadColumnAsync(path, g, group, fields[i], kinds[i], columns[i], count, rows, allowNaN, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsParquetFailure(ex))
                {
                    await appending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    throw new MalformedInputException(path, rows,
                        $"row group {g}, column '{fields[i].Name}' cannot be read (truncated or corrupt file?): {ex.Message}", ex);
                }
                catch (OutOfMemoryException ex)
                {
                    await appending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    throw OutOfMemory(path, rows, g, count, fields[i].Name, ex);
                }
            }

            await appending.ConfigureAwait(false);
            var groupIndex = g;
            var groupFirstRow = rows;
            appending = Task.Run(
                () =>
                {
                    for (var i = 0; i < appends.Length; i++)
                    {
                        try
                        {
                            appends[i]();
                        }
                        catch (OutOfMemoryException ex)
                        {
                            throw OutOfMemory(path, groupFirstRow, groupIndex, count, fields[i].Name, ex);
                        }
                    }

                    table.CompleteRows(count);
                },
                cancellationToken);
            rows += count;
        }

        await appending.ConfigureAwait(false);
        return rows;
    }

    // Rejects row counts no real file has before they size any buffer; returns the file's total (at most int.MaxValue + 1).
    private static long CheckRowCounts(string path, long fileLength, ParquetReader reader)
    {
        long total = 0;
        for (var g = 0; g < reader.RowGroups.Count; g++)
        {
            var declared = reader.RowGroups[g].RowCount;
            if (declared < 0 || declared > fileLength * MaxRowsPerByte)
            {
                throw new MalformedInputException(path, total,
                    $"row group {g} declares {declared} rows, impossible for a file of {fileLength} bytes (at most {MaxRowsPerByte} rows per byte " +
                    "are plausible): the footer is corrupt or forged. Re-export the file.");
            }

            total = Math.Min(total + declared, (long)int.MaxValue + 1);
        }

        return total;
    }

    private static MalformedInputException OutOfMemory(string path, long row, int group, int count, string column, OutOfMemoryException ex) =>
        new(path, row,
            $"row group {group}, column '{column}': out of memory reading its {count} declared rows. The file's metadata may be corrupt, " +
            "or the row group is too large for this machine: write smaller row groups or give the worker more memory.", ex);

    // Everything Parquet.Net may throw on bad bytes, but not cancellation or our own verdicts.
    private static bool IsParquetFailure(Exception ex) =>
        ex is not OperationCanceledException and not DataValidationException and not OutOfMemoryException;

    private static ColumnKind NaturalKind(string path, DataField field)
    {
        var t = field.ClrType;
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>) || t == typeof(Guid))
        {
            return ColumnKind.Text;
        }

        if (t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(DateOnly))
        {
            return ColumnKind.Timestamp;
        }

        if (t == typeof(bool) || t == typeof(TimeSpan) || t == typeof(TimeOnly) || t == typeof(decimal) || t == typeof(double) ||
            t == typeof(float) || t == typeof(Half) || t == typeof(long) || t == typeof(int) || t == typeof(short) || t == typeof(sbyte) ||
            t == typeof(ulong) || t == typeof(uint) || t == typeof(ushort) || t == typeof(byte))
        {
            return ColumnKind.Numeric;
        }

        throw new DataValidationException(
            $"'{path}': column '{field.Name}' has Parquet type {t.Name}, which ExampleGen cannot read (numbers, booleans, strings, dates and timestamps only). " +
            "Convert it when exporting, or drop it.");
    }

    // Reads a column chunk and returns the work that appends it to the column (run later, in row group order).
    private static ValueTask<Action> ReadColumnAsync(
        string path, int g, ParquetRowGroupReader group, DataField field, ColumnKind natural, ColumnAccumulator column, int count, long firstRow,
        bool allowNaN, CancellationToken ct)
    {
        var t = field.ClrType;
        var target = column.ForcedKind ?? natural;
        if (natural == ColumnKind.Text)
        {
            return ReadTextAsync(path, group, field, target, column, count, firstRow, ct);
        }

        var chunk = new NumberChunk(path, g, field, target, column, count, firstRow, allowNaN);
        return t switch
        {
            _ when t == typeof(double) => ReadNumbersAsync<double>(group, chunk, ct),
            _ when t == typeof(long) => ReadNumbersAsync<long>(group, chunk, ct),
            _ when t == typeof(int) => ReadNumbersAsync<int>(group, chunk, ct),
            _ when t == typeof(float) => ReadNumbersAsync<float>(group, chunk, ct),
            _ when t == typeof(decimal) => ReadNumbersAsync<decimal>(group, chunk, ct),
            _ when t == typeof(short) => ReadNumbersAsync<short>(group, chunk, ct),
            _ when t == typeof(sbyte) => ReadNumbersAsync<sbyte>(group, chunk, ct),
            _ when t == typeof(byte) => ReadNumbersAsync<byte>(group, chunk, ct),
            _ when t == typeof(ushort) => ReadNumbersAsync<ushort>(group, chunk, ct),
            _ when t == typeof(uint) => ReadNumbersAsync<uint>(group, chunk, ct),
            _ when t == typeof(ulong) => ReadNumbersAsync<ulong>(group, chunk, ct),
            _ when t == typeof(Half) => ReadNumbersAsync<Half>(group, chunk, ct),
            _ => ReadOtherAsync(group, field, target, column, count, ct),
        };
    }

    private static async ValueTask<Action> ReadNumbersAsync<T>(ParquetRowGroupReader group, NumberChunk chunk, CancellationToken ct)
        where T : struct, INumberBase<T>
    {
        var count = chunk.Count;
        if (chunk.Field.IsNullable)
        {
            var values = ArrayPool<T?>.Shared.Rent(count);
            await group.ReadAsync(chunk.Field, values.AsMemory(0, count), null, ct).ConfigureAwait(false);
            return () =>
            {
                var doubles = ArrayPool<double>.Shared.Rent(count);
                var bad = ToDoubles(values.AsSpan(0, count), doubles.AsSpan(0, count), chunk.AllowNaN);
                ArrayPool<T?>.Shared.Return(values);
                chunk.ThrowIfNonFinite(bad, doubles);
                Append(chunk.Column, chunk.Target, doubles.AsSpan(0, count));
                ArrayPool<double>.Shared.Return(doubles);
            };
        }
        else
        {
            var values = ArrayPool<T>.Shared.Rent(count);
            await group.ReadAsync(chunk.Field, values.AsMemory(0, count), null, ct).ConfigureAwait(false);
            return () =>
            {
                var doubles = ArrayPool<double>.Shared.Rent(count);
                var bad = ToDoubles(values.AsSpan(0, count), doubles.AsSpan(0, count), chunk.AllowNaN);
                ArrayPool<T>.Shared.Return(values);
                chunk.ThrowIfNonFinite(bad, doubles);
                Append(chunk.Column, chunk.Target, doubles.AsSpan(0, count));
                ArrayPool<double>.Shared.Return(doubles);
            };
        }
    }

    // Hot loops run a dozen times per file: optimize them at once rather than after tier-0 (tiered compilation).
    // Return the index of the first non-finite value not allowed (NaN is allowed with allowNaN; it is missing anyway), or -1.
    // For integer types T.IsFinite is constant true, so the check costs nothing.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ToDoubles<T>(ReadOnlySpan<T?> values, Span<double> target, bool allowNaN) where T : struct, INumberBase<T>
    {
        var bad = -1;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (v.HasValue)
            {
                var x = v.GetValueOrDefault();
                if (!T.IsFinite(x) && bad < 0 && !(allowNaN && T.IsNaN(x)))
                {
                    bad = i;
                }

                target[i] = double.CreateTruncating(x);
            }
            else
            {
                target[i] = double.NaN;
            }
        }

        return bad;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ToDoubles<T>(ReadOnlySpan<T> values, Span<double> target, bool allowNaN) where T : struct, INumberBase<T>
    {
        var bad = -1;
        for (var i = 0; i < values.Length; i++)
        {
            var x = values[i];
            if (!T.IsFinite(x) && bad < 0 && !(allowNaN && T.IsNaN(x)))
            {
                bad = i;
            }

            target[i] = double.CreateTruncating(x);
        }

        return bad;
    }

    // Booleans, dates, timestamps and durations: read as nullable values, converted one by one (still no boxing).
    private static ValueTask<Action> ReadOtherAsync(
        ParquetRowGroupReader group, DataField field, ColumnKind target, ColumnAccumulator column, int count, CancellationToken ct)
    {
        var t = field.ClrType;
        if (t == typeof(DateTime))
        {
            return ReadConvertedAsync<DateTime>(group, field, column, target, count, static v => ValueParsing.SecondsSinceEpoch(v.Ticks), ct);
        }

        if (t == typeof(DateTimeOffset))
        {
            return ReadConvertedAsync<DateTimeOffset>(group, field, column, target, count, static v => ValueParsing.SecondsSinceEpoch(v.UtcTicks), ct);
        }

        if (t == typeof(DateOnly))
        {
            return ReadConvertedAsync<DateOnly>(group, field, column, target, count, static v => ValueParsing.SecondsSinceEpoch(v.ToDateTime(TimeOnly.MinValue).Ticks), ct);
        }

        if (t == typeof(bool))
        {
            return ReadConvertedAsync<bool>(group, field, column, target, count, static v => v ? 1 : 0, ct);
        }

        if (t == typeof(TimeSpan))
        {
            return ReadConvertedAsync<TimeSpan>(group, field, column, target, count, static v => v.TotalSeconds, ct);
        }

        if (t == typeof(TimeOnly))
        {
            return ReadConvertedAsync<TimeOnly>(group, field, column, target, count, static v => v.ToTimeSpan().TotalSeconds, ct);
        }

        throw new InvalidOperationException($"Unreachable: type {t} was accepted but has no reader.");
    }

    private static async ValueTask<Action> ReadConvertedAsync<T>(
        ParquetRowGroupReader group, DataField field, ColumnAccumulator column, ColumnKind target, int count, Func<T, double> convert, CancellationToken ct)
        where T : struct
    {
        if (!field.IsNullable)
        {
            // A required column read into a nullable buffer comes back with spurious nulls (Parquet.Net 6.1): read it as it is.
            var plain = ArrayPool<T>.Shared.Rent(count);
            await group.ReadAsync(field, plain.AsMemory(0, count), null, ct).ConfigureAwait(false);
            return () =>
            {
                var doubles = ArrayPool<double>.Shared.Rent(count);
                var source = plain.AsSpan(0, count);
                var converted = doubles.AsSpan(0, count);
                for (var i = 0; i < source.Length; i++)
                {
                    converted[i] = convert(source[i]);
                }

                ArrayPool<T>.Shared.Return(plain);
                Append(column, target, converted);
                ArrayPool<double>.Shared.Return(doubles);
            };
        }

        var values = ArrayPool<T?>.Shared.Rent(count);
        await group.ReadAsync(field, values.AsMemory(0, count), null, ct).ConfigureAwait(false);
        return () =>
        {
            var doubles = ArrayPool<double>.Shared.Rent(count);
            Convert(values.AsSpan(0, count), doubles.AsSpan(0, count), convert);
            ArrayPool<T?>.Shared.Return(values);
            Append(column, target, doubles.AsSpan(0, count));
            ArrayPool<double>.Shared.Return(doubles);
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Convert<T>(ReadOnlySpan<T?> source, Span<double> target, Func<T, double> convert) where T : struct
    {
        if (typeof(T) == typeof(DateTime))
        {
            // The common timestamp case without a delegate call per value.
            var dates = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T?, DateTime?>(ref MemoryMarshal.GetReference(source)), source.Length);
            for (var i = 0; i < dates.Length; i++)
            {
                var v = dates[i];
                target[i] = v.HasValue ? ValueParsing.SecondsSinceEpoch(v.GetValueOrDefault().Ticks) : double.NaN;
            }

            return;
        }

        for (var i = 0; i < source.Length; i++)
        {
            var v = source[i];
            target[i] = v.HasValue ? convert(v.GetValueOrDefault()) : double.NaN;
        }
    }

    private static void Append(ColumnAccumulator column, ColumnKind target, ReadOnlySpan<double> values)
    {
        if (target != ColumnKind.Text)
        {
            column.AppendDoubles(values);
            return;
        }

        // Forced Text: the number's round-trip text.
        foreach (var v in values)
        {
            if (double.IsNaN(v))
            {
                column.AppendMissing();
            }
            else
            {
                column.AppendNumber(v, ValueParsing.FormatNumber(v));
            }
        }
    }

    private static async ValueTask<Action> ReadTextAsync(
        string path, ParquetRowGroupReader group, DataField field, ColumnKind target, ColumnAccumulator column, int count, long firstRow, CancellationToken ct)
    {
        if (field.ClrType == typeof(Guid))
        {
            var guids = new Guid?[count];
            await group.ReadAsync(field, guids.AsMemory(), null, ct).ConfigureAwait(false);
            return () =>
            {
                var texts = new ReadOnlyMemory<char>?[count];
                for (var i = 0; i < count; i++)
                {
                    texts[i] = guids[i]?.ToString("D").AsMemory();
                }

                AppendTexts(path, column, target, texts, firstRow);
            };
        }

        var values = ArrayPool<ReadOnlyMemory<char>?>.Shared.Rent(count);
        await group.ReadAsync(field, values.AsMemory(0, count), null, ct).ConfigureAwait(false);
        return () =>
        {
            AppendTexts(path, column, target, values.AsSpan(0, count), firstRow);
            ArrayPool<ReadOnlyMemory<char>?>.Shared.Return(values, clearArray: true);
        };
    }

    private static void AppendTexts(string path, ColumnAccumulator column, ColumnKind target, ReadOnlySpan<ReadOnlyMemory<char>?> values, long firstRow)
    {
        if (target == ColumnKind.Text)
        {
            column.AppendTexts(values);
            return;
        }

        // Forced Numeric or Timestamp on a string column: every value must convert. Parquet rows cannot be skipped one by one
        // (columns are read separately), so a value that does not convert fails the node.
        for (var i = 0; i < values.Length; i++)
        {
            var text = values[i] is { } m ? m.Span : [];
            if (column.Check(text) is { } reason)
            {
                throw new MalformedInputException(path, firstRow + i, reason);
            }
        }

        foreach (var v in values)
        {
            column.AppendField(v is { } m ? m.Span : []);
        }
    }

    // A numeric column chunk being read: where it is (for messages) and where it goes.
    private sealed record NumberChunk(
        string Path, int Group, DataField Field, ColumnKind Target, ColumnAccumulator Column, int Count, long FirstRow, bool AllowNaN)
    {
        public void ThrowIfNonFinite(int index, double[] values)
        {
            if (index < 0)
            {
                return;
            }

            var value = values[index];
            var hint = double.IsNaN(value)
                ? "set ExampleGenOptions.AllowNonFinite to read NaN as missing, or write null for missing values"
                : "infinities are never accepted (they poison means and variances); write null or a finite value";
            throw new MalformedInputException(Path, FirstRow + index,
                $"row group {Group}, column '{Field.Name}': non-finite value {ValueParsing.FormatNumber(value)} at row {FirstRow + index} of the file; {hint}");
        }
    }
}
