using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>The columns of everything read so far, across files: row <c>i</c> of every column is the same example.</summary>
internal sealed class ExampleTableBuilder
{
    private readonly IReadOnlyDictionary<string, ColumnKind>? _forcedKinds;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIndex;
    private readonly List<ColumnAccumulator> _columns = [];
    private string? _schemaFile;

    /// <summary>Creates an empty table.</summary>
    public ExampleTableBuilder(IReadOnlyDictionary<string, ColumnKind>? forcedKinds)
    {
        _forcedKinds = forcedKinds;
        _spanIndex = _index.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The columns in order of first appearance.</summary>
    public IReadOnlyList<ColumnAccumulator> Columns => _columns;

    /// <summary>Complete rows so far.</summary>
    public int RowCount { get; private set; }

    /// <summary>Rows expected in total when known up front (Parquet metadata): columns created then are sized exactly, so
    /// building the table does not copy them.</summary>
    public int CapacityHint { get; set; }

    /// <summary>The column names, in order.</summary>
    public IEnumerable<string> ColumnNames => _columns.Select(c => c.Name);

    /// <summary>The index of a column, or -1.</summary>
    public int IndexOf(ReadOnlySpan<char> name) => _spanIndex.TryGetValue(name, out var i) ? i : -1;

    /// <summary>Whether a column exists.</summary>
    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>The column named <paramref name="name"/>, created (missing in every earlier row) when new.</summary>
    public ColumnAccumulator GetOrAdd(string name)
    {
        if (_index.TryGetValue(name, out var i))
        {
            return _columns[i];
        }

        ColumnKind? forced = _forcedKinds is not null && _forcedKinds.TryGetValue(name, out var k) ? k : null;
        var column = new ColumnAccumulator(name, forced, RowCount, Math.Max(Math.Max(1024, RowCount), CapacityHint));
        _index.Add(name, _columns.Count);
        _columns.Add(column);
        return column;
    }

    /// <summary>The columns of a file with a fixed column set (CSV header, Parquet schema), in the file's order. The first
    /// such file defines the set; every later file must have the same set (any order).</summary>
    public ColumnAccumulator[] RequireColumns(string file, IReadOnlyList<string> names)
    {
        if (_schemaFile is null)
        {
            _schemaFile = file;
            return [.. names.Select(GetOrAdd)];
        }

        var expected = _columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var extra = names.Where(n => !expected.Contains(n)).ToList();
        var missing = expected.Where(n => !names.Contains(n, StringComparer.Ordinal)).ToList();
        if (extra.Count > 0 || missing.Count > 0)
        {
            var details = new List<string>();
            if (missing.Count > 0)
            {
                details.Add($"missing {string.Join(", ", missing.Select(n => $"'{n}'"))}");
            }

            if (extra.Count > 0)
            {
                details.Add($"extra {string.Join(", ", extra.Select(n => $"'{n}'"))}");
            }

            throw new DataValidationException(
                $"'{file}' has different columns than '{_schemaFile}' ({string.Join("; ", details)}). " +
                "All files of an input are concatenated, so they must have the same columns.");
        }

        return [.. names.Select(n => _columns[_index[n]])];
    }

    /// <summary>Marks one row complete: every column has received exactly one more value.</summary>
    public void CompleteRow() => RowCount++;

    /// <summary>Marks <paramref name="rows"/> rows complete (bulk appends).</summary>
    public void CompleteRows(int rows) => RowCount += rows;

    /// <summary>Builds the table.</summary>
    public ColumnarTable Build() => new([.. _columns.Select(c => c.Build())]);
}
