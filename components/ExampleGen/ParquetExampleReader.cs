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
internal static class ParquetExampleReader
{
    /// <summary>Reads <paramref name="path"/>; returns the rows read.</summary>
    public static async Task<long> ReadAsync(string path, ExampleTableBuilder table, CancellationToken cancellationToken)
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
                return await ReadAsync(path, reader, table, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<long> ReadAsync(string path, ParquetReader reader, ExampleTableBuilder table, CancellationToken cancellationToken)
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

        if (table.RowCount == 0)
        {
            table.CapacityHint = (int)Math.Min(int.MaxValue, reader.RowGroups.Sum(g => g.RowCount));
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
                    appends[i] = await ReadColumnAsync(path, group, fields[i], kinds[i], columns[i], count, rows, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsParquetFailure(ex))
                {
                    await appending.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    throw new MalformedInputException(path, rows,
                        $"row group {g}, column '{fields[i].Name}' cannot be read (truncated or corrupt file?): {ex.Message}", ex);
                }
            }

            await appending.ConfigureAwait(false);
            appending = Task.Run(
                () =>
                {
                    foreach (var append in appends)
                    {
                        append();
                    }

                    table.CompleteRows(count);
                },
                cancellationToken);
            rows += count;
        }

        await appending.ConfigureAwait(false);
        return rows;
    }

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
        string path, ParquetRowGroupReader group, DataField field, ColumnKind natural, ColumnAccumulator column, int count, long firstRow, CancellationToken ct)
    {
        var t = field.ClrType;
        var target = column.ForcedKind ?? natural;
        if (natural == ColumnKind.Text)
        {
            return ReadTextAsync(path, group, field, target, column, count, firstRow, ct);
        }

        return t switch
        {
            _ when t == typeof(double) => ReadNumbersAsync<double>(group, field, target, column, count, ct),
            _ when t == typeof(long) => ReadNumbersAsync<long>(group, field, target, column, count, ct),
            _ when t == typeof(int) => ReadNumbersAsync<int>(group, field, target, column, count, ct),
            _ when t == typeof(float) => ReadNumbersAsync<float>(group, field, target, column, count, ct),
            _ when t == typeof(decimal) => ReadNumbersAsync<decimal>(group, field, target, column, count, ct),
            _ when t == typeof(short) => ReadNumbersAsync<short>(group, field, target, column, count, ct),
            _ when t == typeof(sbyte) => ReadNumbersAsync<sbyte>(group, field, target, column, count, ct),
            _ when t == typeof(byte) => ReadNumbersAsync<byte>(group, field, target, column, count, ct),
            _ when t == typeof(ushort) => ReadNumbersAsync<ushort>(group, field, target, column, count, ct),
            _ when t == typeof(uint) => ReadNumbersAsync<uint>(group, field, target, column, count, ct),
            _ when t == typeof(ulong) => ReadNumbersAsync<ulong>(group, field, target, column, count, ct),
            _ when t == typeof(Half) => ReadNumbersAsync<Half>(group, field, target, column, count, ct),
            _ => ReadOtherAsync(group, field, target, column, count, ct),
        };
    }

    private static async ValueTask<Action> ReadNumbersAsync<T>(
        ParquetRowGroupReader group, DataField field, ColumnKind target, ColumnAccumulator column, int count, CancellationToken ct)
        where T : struct, INumberBase<T>
    {
        if (field.IsNullable)
        {
            var values = ArrayPool<T?>.Shared.Rent(count);
            await group.ReadAsync(field, values.AsMemory(0, count), null, ct).ConfigureAwait(false);
            return () =>
            {
                var doubles = ArrayPool<double>.Shared.Rent(count);
                ToDoubles(values.AsSpan(0, count), doubles.AsSpan(0, count));
                ArrayPool<T?>.Shared.Return(values);
                Append(column, target, doubles.AsSpan(0, count));
                ArrayPool<double>.Shared.Return(doubles);
            };
        }
        else
        {
            var values = ArrayPool<T>.Shared.Rent(count);
            await group.ReadAsync(field, values.AsMemory(0, count), null, ct).ConfigureAwait(false);
            return () =>
            {
                var doubles = ArrayPool<double>.Shared.Rent(count);
                ToDoubles(values.AsSpan(0, count), doubles.AsSpan(0, count));
                ArrayPool<T>.Shared.Return(values);
                Append(column, target, doubles.AsSpan(0, count));
                ArrayPool<double>.Shared.Return(doubles);
            };
        }
    }

    // Hot loops run a dozen times per file: optimize them at once rather than after tier-0 (tiered compilation).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ToDoubles<T>(ReadOnlySpan<T?> values, Span<double> target) where T : struct, INumberBase<T>
    {
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            target[i] = v.HasValue ? double.CreateTruncating(v.GetValueOrDefault()) : double.NaN;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ToDoubles<T>(ReadOnlySpan<T> values, Span<double> target) where T : struct, INumberBase<T>
    {
        for (var i = 0; i < values.Length; i++)
        {
            target[i] = double.CreateTruncating(values[i]);
        }
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
}
