using Pipelines.Data;

namespace Pipelines;

/// <summary>One piece of a <see cref="CompiledFeaturizer"/>'s feature vector, in terms of one raw column: a number as float, a
/// <see cref="DateParts"/> value, or a one-hot block of a text column.</summary>
internal abstract class FeaturePart(string column, int slot)
{
    /// <summary>The raw column read.</summary>
    public string Column { get; } = column;

    /// <summary>The first slot written.</summary>
    public int Slot { get; } = slot;

    /// <summary>This part over <paramref name="table"/>'s column, or null when the table lacks it (or has another kind).</summary>
    public abstract BoundPart? Bind(ColumnarTable table);
}

/// <summary><c>(float)value</c> of a number column (ML.NET's double-to-single conversion).</summary>
internal sealed class NumberPart(string column, int slot) : FeaturePart(column, slot)
{
    public override BoundPart? Bind(ColumnarTable table) =>
        table.Contains(Column) && table[Column] is NumericColumn n ? new BoundPart(BoundPartKind.Number, Slot, n.Values, null, null, 0) : null;
}

/// <summary>Hour, weekday, month or day (<see cref="Which"/> 0–3) of a timestamp column, by <see cref="DateParts"/>' own mapping.</summary>
internal sealed class DateFieldPart(string column, int which, int slot) : FeaturePart(column, slot)
{
    public int Which { get; } = which;

    public override BoundPart? Bind(ColumnarTable table) =>
        table.Contains(Column) && table[Column] is NumericColumn n ? new BoundPart(BoundPartKind.DatePart, Slot, n.Values, null, null, Which) : null;
}

/// <summary>A one-hot block of a text column's keys: slot <c>Slot + key − 1</c> is 1; a missing value or one the chain never
/// saw (key 0) leaves the block empty.</summary>
internal sealed class OneHotPart(string column, IReadOnlyDictionary<string, uint> terms, int slot) : FeaturePart(column, slot)
{
    public IReadOnlyDictionary<string, uint> Terms { get; } = terms;

    public override BoundPart? Bind(ColumnarTable table)
    {
        if (!table.Contains(Column) || table[Column] is not TextColumn text)
        {
            return null;
        }

        // Index = code + 1 (code −1 is missing, read by ML.NET as empty text: not a term).
        var keys = new uint[text.Dictionary.Length + 1];
        for (var code = 0; code < text.Dictionary.Length; code++)
        {
            keys[code + 1] = Terms.GetValueOrDefault(text.Dictionary[code]);
        }

        return new BoundPart(BoundPartKind.OneHot, Slot, null, text.Codes, keys, 0);
    }
}

/// <summary>What a <see cref="BoundPart"/> computes.</summary>
internal enum BoundPartKind
{
    Number,
    DatePart,
    OneHot,
}

/// <summary>A <see cref="FeaturePart"/> over one table's arrays (a struct: the reader's inner loop switches on its kind).</summary>
internal readonly record struct BoundPart(BoundPartKind Kind, int Slot, double[]? Numbers, int[]? Codes, uint[]? KeyOfCode, int Which);
