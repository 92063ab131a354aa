using Microsoft.ML;
using Microsoft.ML.Data;

namespace Pipelines.Components;

/// <summary>One pass over the label column of the train split: rows, missing values and distinct values (text values all,
/// numbers up to <see cref="MaxNumericValues"/>). Reads only that column; no per-row allocation for repeated text values.</summary>
internal sealed record LabelScan(long Rows, long Missing, IReadOnlyList<string> TextValues, IReadOnlyList<double> NumericValues, bool TooManyNumericValues)
{
    /// <summary>The smallest number (NaN without any, and for text and key labels).</summary>
    public double Min { get; init; } = double.NaN;

    /// <summary>The largest number (NaN without any, and for text and key labels).</summary>
    public double Max { get; init; } = double.NaN;

    /// <summary>Distinct numbers remembered; more are counted as "too many" (a regression label).</summary>
    public const int MaxNumericValues = 1000;

    /// <summary>Distinct values found (text or numeric).</summary>
    public int DistinctCount => TextValues.Count > 0 ? TextValues.Count : NumericValues.Count;

    /// <summary>Scans <paramref name="column"/> of <paramref name="data"/>.</summary>
    public static LabelScan Run(IDataView data, DataViewSchema.Column column)
    {
        using var cursor = data.GetRowCursor([column]);
        long rows = 0;
        long missing = 0;
        switch (column.Type)
        {
            case TextDataViewType:
            {
                var getter = cursor.GetGetter<ReadOnlyMemory<char>>(column);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var lookup = seen.GetAlternateLookup<ReadOnlySpan<char>>();
                ReadOnlyMemory<char> value = default;
                while (cursor.MoveNext())
                {
                    rows++;
                    getter(ref value);
                    if (value.IsEmpty)
                    {
                        missing++;
                    }
                    else if (!lookup.Contains(value.Span))
                    {
                        lookup.Add(value.Span);
                    }
                }

                return new LabelScan(rows, missing, [.. seen.Order(StringComparer.Ordinal)], [], false);
            }

            case NumberDataViewType or BooleanDataViewType:
            {
                var getter = NumberGetter(cursor, column);
                var seen = new HashSet<double>();
                var tooMany = false;
                var (min, max) = (double.PositiveInfinity, double.NegativeInfinity);
                while (cursor.MoveNext())
                {
                    rows++;
                    var v = getter();
                    if (double.IsNaN(v))
                    {
                        missing++;
                        continue;
                    }

                    (min, max) = (Math.Min(min, v), Math.Max(max, v));
                    if (!tooMany && seen.Add(v) && seen.Count > MaxNumericValues)
                    {
                        tooMany = true;
                    }
                }

                return new LabelScan(rows, missing, [], [.. seen.Order()], tooMany) { Min = rows > missing ? min : double.NaN, Max = rows > missing ? max : double.NaN };
            }

            case KeyDataViewType:
            {
                var getter = cursor.GetGetter<uint>(column);
                uint value = 0;
                while (cursor.MoveNext())
                {
                    rows++;
                    getter(ref value);
                    if (value == 0)
                    {
                        missing++;
                    }
                }

                return new LabelScan(rows, missing, [], [], false);
            }

            default:
                while (cursor.MoveNext())
                {
                    rows++;
                }

                return new LabelScan(rows, 0, [], [], false);
        }
    }

    /// <summary>The values (0 = false, 1 = true) of a bool column, read until both have shown up.</summary>
    public static IReadOnlyList<double> BoolValues(IDataView data, DataViewSchema.Column column)
    {
        using var cursor = data.GetRowCursor([column]);
        var get = cursor.GetGetter<bool>(column);
        var value = false;
        var (seenFalse, seenTrue) = (false, false);
        while (!(seenFalse && seenTrue) && cursor.MoveNext())
        {
            get(ref value);
            (seenFalse, seenTrue) = (seenFalse || !value, seenTrue || value);
        }

        return [.. new[] { (seenFalse, 0d), (seenTrue, 1d) }.Where(v => v.Item1).Select(v => v.Item2)];
    }

    /// <summary>Scans a raw number column read straight from the examples (the graph passes the label through): the same
    /// counts and values as <see cref="Run(IDataView, DataViewSchema.Column)"/> on it, without a cursor.</summary>
    public static LabelScan Run(ReadOnlySpan<double> values)
    {
        long missing = 0;
        var seen = new HashSet<double>();
        var tooMany = false;
        var (min, max) = (double.PositiveInfinity, double.NegativeInfinity);
        foreach (var v in values)
        {
            if (double.IsNaN(v))
            {
                missing++;
                continue;
            }

            (min, max) = (Math.Min(min, v), Math.Max(max, v));
            if (!tooMany && seen.Add(v) && seen.Count > MaxNumericValues)
            {
                tooMany = true;
            }
        }

        var any = values.Length > missing;
        return new LabelScan(values.Length, missing, [], [.. seen.Order()], tooMany) { Min = any ? min : double.NaN, Max = any ? max : double.NaN };
    }

    private static Func<double> NumberGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var raw = column.Type.RawType;
        if (raw == typeof(double))
        {
            var g = cursor.GetGetter<double>(column);
            double v = 0;
            return () =>
            {
                g(ref v);
                return v;
            };
        }

        if (raw == typeof(float))
        {
            var g = cursor.GetGetter<float>(column);
            float v = 0;
            return () =>
            {
                g(ref v);
                return v;
            };
        }

        if (raw == typeof(bool))
        {
            var g = cursor.GetGetter<bool>(column);
            var v = false;
            return () =>
            {
                g(ref v);
                return v ? 1 : 0;
            };
        }

        if (raw == typeof(int))
        {
            return Integer<int>(cursor, column, x => x);
        }

        if (raw == typeof(long))
        {
            return Integer<long>(cursor, column, x => x);
        }

        if (raw == typeof(uint))
        {
            return Integer<uint>(cursor, column, x => x);
        }

        if (raw == typeof(short))
        {
            return Integer<short>(cursor, column, x => x);
        }

        if (raw == typeof(byte))
        {
            return Integer<byte>(cursor, column, x => x);
        }

        throw new DataValidationException($"The label '{column.Name}' has type {column.Type}, which the Trainer cannot read as a number.");
    }

    private static Func<double> Integer<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, double> convert)
    {
        var g = cursor.GetGetter<T>(column);
        T v = default!;
        return () =>
        {
            g(ref v);
            return convert(v);
        };
    }
}
