using Microsoft.ML;
using Microsoft.ML.Data;

namespace Pipelines.Serving;

/// <summary>
/// A single mutable input row for ML.NET's row-to-row mapper: the way <c>PredictionEngine</c> works, without needing a C# class
/// per model. Setting values and calling <see cref="Advance"/> makes the mapped output row compute the next prediction
/// (ML.NET's transforms cache per <see cref="Position"/>). Not thread-safe: one per <see cref="PredictionSession"/>.
/// </summary>
internal sealed class InputRow : DataViewRow
{
    private readonly DataViewSchema _schema;
    private long _position = -1;

    public InputRow(DataViewSchema schema)
    {
        _schema = schema;
        Numbers = new double[schema.Count];
        Texts = new ReadOnlyMemory<char>[schema.Count];
        Booleans = new bool[schema.Count];
    }

    /// <summary>Numeric values by column index (NaN = missing).</summary>
    public double[] Numbers { get; }

    /// <summary>Text values by column index (empty = missing).</summary>
    public ReadOnlyMemory<char>[] Texts { get; }

    /// <summary>Boolean values by column index.</summary>
    public bool[] Booleans { get; }

    public override long Position => _position;

    public override long Batch => 0;

    public override DataViewSchema Schema => _schema;

    /// <summary>Moves to the next row: call after setting the values of a new instance.</summary>
    public void Advance() => _position++;

    public override bool IsColumnActive(DataViewSchema.Column column) => true;

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        var i = column.Index;
        var raw = column.Type.RawType;
        Delegate getter = raw switch
        {
            _ when raw == typeof(double) => (ValueGetter<double>)((ref double v) => v = Numbers[i]),
            _ when raw == typeof(float) => (ValueGetter<float>)((ref float v) => v = (float)Numbers[i]),
            _ when raw == typeof(ReadOnlyMemory<char>) => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = Texts[i]),
            _ when raw == typeof(bool) => (ValueGetter<bool>)((ref bool v) => v = Booleans[i]),
            _ => throw new InvalidOperationException($"Input column '{column.Name}' has type {column.Type}, which the model server cannot supply."),
        };
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Input column '{column.Name}' is {column.Type}, read as {typeof(TValue).Name}.");
    }
}
