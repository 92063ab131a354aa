namespace Pipelines.Data;

/// <summary>Builds a <see cref="NumericColumn"/> row by row.</summary>
public sealed class NumericColumnBuilder
{
    private double[] _values;
    private int _count;

    /// <summary>Creates a builder.</summary>
    public NumericColumnBuilder(string name, ColumnKind kind = ColumnKind.Numeric, int capacity = 1024)
    {
        Name = name;
        Kind = kind;
        _values = new double[Math.Max(16, capacity)];
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The column kind (Numeric or Timestamp).</summary>
    public ColumnKind Kind { get; }

    /// <summary>Rows appended so far.</summary>
    public int Count => _count;

    /// <summary>Appends a value (NaN = missing).</summary>
    public void Append(double value)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = value;
    }

    /// <summary>Appends a missing value.</summary>
    public void AppendMissing() => Append(double.NaN);

    /// <summary>Appends many values at once.</summary>
    public void AppendRange(ReadOnlySpan<double> values)
    {
        if (_count + values.Length > _values.Length)
        {
            Array.Resize(ref _values, Math.Max(_values.Length * 2, _count + values.Length));
        }

        values.CopyTo(_values.AsSpan(_count));
        _count += values.Length;
    }

    /// <summary>Removes the last <paramref name="rows"/> rows.</summary>
    public void Truncate(int rows) => _count = Math.Max(0, _count - rows);

    /// <summary>Builds the column.</summary>
    public NumericColumn Build() => new(Name, _count == _values.Length ? _values : _values.AsSpan(0, _count).ToArray(), Kind);
}
