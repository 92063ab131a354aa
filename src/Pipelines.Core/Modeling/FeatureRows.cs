using System.Globalization;
using Microsoft.ML.Data;
using Pipelines.Data;

namespace Pipelines;

/// <summary>A <see cref="CompiledFeaturizer"/> bound to one table: its rows' feature vectors without ML.NET's cursors.</summary>
public sealed class FeatureRows
{
    private const int GeneratedNumbers = 16;
    private readonly BoundPart[] _parts;

    internal FeatureRows(CompiledFeaturizer featurizer, ColumnarTable table, BoundPart[] parts)
    {
        Featurizer = featurizer;
        Table = table;
        _parts = parts;
    }

    /// <summary>The compiled chain.</summary>
    public CompiledFeaturizer Featurizer { get; }

    /// <summary>The raw rows.</summary>
    public ColumnarTable Table { get; }

    /// <summary>The text dictionaries the bound parts read (a table gathered or permuted from this one shares them).</summary>
    public IReadOnlyList<string[]> Dictionaries =>
        [.. Featurizer.Parts.OfType<OneHotPart>().Select(p => ((TextColumn)Table[p.Column]).Dictionary).Distinct()];

    /// <summary>A reader for one thread.</summary>
    public FeatureRowReader CreateReader() => new(_parts);

    /// <summary>
    /// Compares the compiled vectors with the ML.NET chain's on up to <paramref name="sampleRows"/> rows spread over the table
    /// and on generated rows over the same columns: every dictionary value of each text column and a missing one, and for
    /// numbers NaN, ±0, ±1, ±∞, large magnitudes and values of the column. Returns the first difference, or null when every
    /// value is equal (NaN where ML.NET has NaN).
    /// </summary>
    public string? Verify(int sampleRows = 1_000)
    {
        var count = Math.Min(sampleRows, Table.RowCount);
        var sample = Enumerable.Range(0, count).Select(i => (int)((long)i * Table.RowCount / Math.Max(1, count))).ToArray();
        try
        {
            return Compare(Table.Gather(sample), "row", i => sample[i]) ?? Compare(Generated(), "generated row", i => i);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            return $"ML.NET could not featurize the verification rows: {e.Message}";
        }
    }

    private string? Compare(ColumnarTable rows, string what, Func<int, int> name)
    {
        var bound = Featurizer.TryBind(rows, out var reason) ?? throw new InvalidOperationException($"Binding the verification rows failed: {reason}");
        var reader = bound.CreateReader();
        var slots = new int[Featurizer.MaxEntries];
        var values = new float[Featurizer.MaxEntries];
        var compiled = new float[Featurizer.SlotCount];
        var featurized = Featurizer.Featurizer.Transform(new ColumnarDataView(rows));
        var column = featurized.Schema[Featurizer.FeatureColumn];
        using var cursor = featurized.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> vector = default;
        var row = 0;
        while (cursor.MoveNext())
        {
            getter(ref vector);
            Array.Clear(compiled);
            var n = reader.Read(row, slots, values);
            for (var i = 0; i < n; i++)
            {
                compiled[slots[i]] = values[i];
            }

            var slot = 0;
            foreach (var expected in vector.DenseValues())
            {
                var actual = compiled[slot];
                if (!(expected == actual || (float.IsNaN(expected) && float.IsNaN(actual))))
                {
                    return string.Create(CultureInfo.InvariantCulture,
                        $"{what} {name(row)}, slot {slot} of '{Featurizer.FeatureColumn}': ML.NET {expected:R}, compiled {actual:R}");
                }

                slot++;
            }

            row++;
        }

        return row == rows.RowCount ? null : $"ML.NET featurized {row} of {rows.RowCount} verification rows";
    }

    /// <summary>Rows over the table's columns that take every dictionary value, missing values and awkward numbers.</summary>
    private ColumnarTable Generated()
    {
        double[] special = [double.NaN, 0, -0.0, 1, -1, 0.5, 1e9, -1e9, 1e300, -1e300, double.PositiveInfinity, double.NegativeInfinity];
        var rows = Math.Max(special.Length + GeneratedNumbers,
            1 + Table.Columns.OfType<TextColumn>().Select(t => t.Dictionary.Length).DefaultIfEmpty(0).Max());
        var columns = new List<Column>(Table.Columns.Count);
        foreach (var column in Table.Columns)
        {
            switch (column)
            {
                case TextColumn text:
                    columns.Add(new TextColumn(text.Name, [.. Enumerable.Range(0, rows).Select(r => r < text.Dictionary.Length ? r : -1)], text.Dictionary));
                    break;
                case NumericColumn number:
                    var real = Enumerable.Range(0, GeneratedNumbers).Select(i => number.Length == 0 ? i : number.Values[(int)((long)i * number.Length / GeneratedNumbers)]);
                    double[] pool = [.. special, .. real];
                    columns.Add(new NumericColumn(number.Name, [.. Enumerable.Range(0, rows).Select(r => pool[r % pool.Length])], number.Kind));
                    break;
                default:
                    columns.Add(column.Gather([.. Enumerable.Range(0, rows).Select(r => r % Math.Max(1, column.Length))]));
                    break;
            }
        }

        return new ColumnarTable(columns);
    }
}
