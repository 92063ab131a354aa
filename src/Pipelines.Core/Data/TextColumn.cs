namespace Pipelines.Data;

/// <summary>A dictionary-encoded string column: <see cref="Codes"/> index <see cref="Dictionary"/>; -1 is missing.</summary>
public sealed class TextColumn : Column
{
    /// <summary>Creates the column (arrays not copied). Every code must be -1 or a valid dictionary index.</summary>
    public TextColumn(string name, int[] codes, string[] dictionary) : base(name)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(dictionary);
        Codes = codes;
        Dictionary = dictionary;
    }

    /// <summary>Per row, the dictionary index, or -1 when missing.</summary>
    public int[] Codes { get; }

    /// <summary>The distinct values (may hold values no row uses after a gather).</summary>
    public string[] Dictionary { get; }

    /// <inheritdoc />
    public override ColumnKind Kind => ColumnKind.Text;

    /// <inheritdoc />
    public override int Length => Codes.Length;

    /// <inheritdoc />
    public override bool IsMissing(int row) => Codes[row] < 0;

    /// <summary>The string at <paramref name="row"/>, or null when missing.</summary>
    public string? this[int row] => Codes[row] < 0 ? null : Dictionary[Codes[row]];

    /// <inheritdoc />
    public override Column Gather(ReadOnlySpan<int> rows)
    {
        var result = GC.AllocateUninitializedArray<int>(rows.Length);
        var source = Codes;
        for (var i = 0; i < rows.Length; i++)
        {
            result[i] = source[rows[i]];
        }

        return new TextColumn(Name, result, Dictionary);
    }

    /// <inheritdoc />
    public override object? GetValue(int row) => this[row];
}
