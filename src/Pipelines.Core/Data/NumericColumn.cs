namespace Pipelines.Data;

/// <summary>A numeric or timestamp column stored as doubles; NaN is missing.</summary>
public sealed class NumericColumn : Column
{
    /// <summary>Creates the column over <paramref name="values"/> (not copied).</summary>
    public NumericColumn(string name, double[] values, ColumnKind kind = ColumnKind.Numeric) : base(name)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (kind == ColumnKind.Text)
        {
            throw new ArgumentException("A numeric column cannot have kind Text.", nameof(kind));
        }

        Values = values;
        Kind = kind;
    }

    /// <summary>The values; NaN is missing.</summary>
    public double[] Values { get; }

    /// <inheritdoc />
    public override ColumnKind Kind { get; }

    /// <inheritdoc />
    public override int Length => Values.Length;

    /// <inheritdoc />
    public override bool IsMissing(int row) => double.IsNaN(Values[row]);

    /// <inheritdoc />
    public override Column Gather(ReadOnlySpan<int> rows)
    {
        var result = GC.AllocateUninitializedArray<double>(rows.Length);
        var source = Values;
        for (var i = 0; i < rows.Length; i++)
        {
            result[i] = source[rows[i]];
        }

        return new NumericColumn(Name, result, Kind);
    }

    /// <inheritdoc />
    public override object? GetValue(int row)
    {
        var v = Values[row];
        if (double.IsNaN(v))
        {
            return null;
        }

        return Kind == ColumnKind.Timestamp ? DateTime.UnixEpoch.AddTicks((long)(v * TimeSpan.TicksPerSecond)) : v;
    }
}
