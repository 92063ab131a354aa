namespace Pipelines.Data;

/// <summary>An in-memory table of equal-length columns: the unit ExampleGen writes and downstream components read.</summary>
public sealed class ColumnarTable
{
    private readonly Dictionary<string, Column> _byName;

    /// <summary>Creates a table; all columns must have the same length and distinct names.</summary>
    public ColumnarTable(IReadOnlyList<Column> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns;
        RowCount = columns.Count == 0 ? 0 : columns[0].Length;
        _byName = new Dictionary<string, Column>(StringComparer.Ordinal);
        foreach (var c in columns)
        {
            if (c.Length != RowCount)
            {
                throw new ArgumentException($"Column '{c.Name}' has {c.Length} rows; expected {RowCount}.", nameof(columns));
            }

            if (!_byName.TryAdd(c.Name, c))
            {
                throw new ArgumentException($"Duplicate column '{c.Name}'.", nameof(columns));
            }
        }
    }

    /// <summary>The columns in order.</summary>
    public IReadOnlyList<Column> Columns { get; }

    /// <summary>The number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The column named <paramref name="name"/>.</summary>
    public Column this[string name] =>
        _byName.TryGetValue(name, out var c) ? c : throw new KeyNotFoundException($"No column '{name}'. Columns: {string.Join(", ", _byName.Keys)}.");

    /// <summary>Whether a column exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>A new table with the rows at <paramref name="rows"/>.</summary>
    public ColumnarTable Gather(ReadOnlySpan<int> rows)
    {
        var columns = new Column[Columns.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = Columns[i].Gather(rows);
        }

        return new ColumnarTable(columns);
    }
}
