using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>The columns of everything read so far, across files: row <c>i</c> of every column is the same example.</summary>
internal sealed class ExampleTableBuilder
{
    /// <summary>The most columns an input may have. Each column costs a preallocated builder and one file per split, and a
    /// JSON file whose keys are ids (a map written as an object) would otherwise add a column per row: quadratic memory.</summary>
    public const int MaxColumns = 10_000;

    private readonly IReadOnlyDictionary<string, ColumnKind>? _forcedKinds;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIndex;
    private readonly List<ColumnAccumulator> _columns = [];
    private readonly MissingValueSet _missing;
    private readonly bool _allowNaN;
    private readonly List<DeferredValue> _deferred = [];
    private string? _schemaFile;

    /// <summary>Creates an empty table.</summary>
    public ExampleTableBuilder(IReadOnlyDictionary<string, ColumnKind>? forcedKinds, MissingValueSet? missing = null, bool allowNaN = false)
    {
        _forcedKinds = forcedKinds;
        _missing = missing ?? MissingValueSet.Default;
        _allowNaN = allowNaN;
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
    /// <param name="name">The column name.</param>
    /// <param name="file">The file it comes from, for the message when there are too many columns.</param>
    public ColumnAccumulator GetOrAdd(string name, string file)
    {
        if (_index.TryGetValue(name, out var i))
        {
            return _columns[i];
        }

        if (_columns.Count == MaxColumns)
        {
            throw new DataValidationException(
                $"'{file}' brings the input to more than {MaxColumns} columns (at '{ValueParsing.Shorten(name)}'). ExampleGen reads flat " +
                "records with a fixed set of fields; a JSON object whose keys are ids or values (a map) must be exported as rows or a string.");
        }

        ColumnKind? forced = _forcedKinds is not null && _forcedKinds.TryGetValue(name, out var k) ? k : null;
        var column = new ColumnAccumulator(name, forced, RowCount, Math.Max(Math.Max(1024, RowCount), CapacityHint), _missing, _allowNaN);
        _index.Add(name, _columns.Count);
        _columns.Add(column);
        return column;
    }

    /// <summary>The columns of a file with a fixed column set (CSV header, Parquet schema), in the file's order. The first
    /// such file defines the set; every later file must have the same set (any order).</summary>
    public ColumnAccumulator[] RequireColumns(string file, IReadOnlyList<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!seen.Add(name))
            {
                // Two source columns feeding one accumulator would misalign every row after it.
                throw new DataValidationException(
                    $"'{file}' has two columns named '{name}'. Column names must be unique; rename one when exporting.");
            }
        }

        if (_schemaFile is null)
        {
            _schemaFile = file;
            return [.. names.Select(n => GetOrAdd(n, file))];
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

    /// <summary>Records that row <paramref name="row"/> holds a non-finite token (NaN, Inf) in <paramref name="column"/>, a
    /// column whose kind is still being inferred: the row is malformed if the column ends up Numeric, and the token is just a
    /// word if it ends up Text. Decided by <see cref="ResolveDeferred"/> once every file is read.</summary>
    public void DeferNonFinite(int row, ColumnAccumulator column, string file, long line, ReadOnlySpan<char> token)
    {
        // The reason text of the first few is kept for messages; the rest (a whole column of NaN) cost no strings.
        var reason = _deferred.Count < 64 ? ValueParsing.NonFiniteReason(token, column.Name) : null;
        _deferred.Add(new DeferredValue(row, column, file, line, reason));
    }

    /// <summary>Reports the rows whose deferred non-finite token is in a column that stayed Numeric as malformed (through
    /// <paramref name="policy"/>, which throws when they are not tolerated) and returns which rows to drop, or null for none.</summary>
    public bool[]? ResolveDeferred(MalformedRowPolicy policy)
    {
        bool[]? dropped = null;
        foreach (var d in _deferred)
        {
            if (d.Column.IsText || (dropped is not null && dropped[d.Row]))
            {
                continue;
            }

            policy.Report(d.File, d.Line, d.Reason ?? $"non-finite number in column '{d.Column.Name}'; list it in MissingValues to treat it as missing");
            dropped ??= new bool[RowCount];
            dropped[d.Row] = true;
        }

        _deferred.Clear();
        return dropped;
    }

    /// <summary>Builds the table.</summary>
    public ColumnarTable Build() => new([.. _columns.Select(c => c.Build())]);

    private readonly record struct DeferredValue(int Row, ColumnAccumulator Column, string File, long Line, string? Reason);
}
