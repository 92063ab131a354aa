using Microsoft.ML;
using Microsoft.ML.Data;

namespace Pipelines.Data;

/// <summary>
/// The rows of <see cref="Source"/> at some positions (<see cref="RowSample.Choose"/>), in their order: a sample of a view that
/// ML.NET offers no operator for (it has first rows, bootstrap with replacement, and key-column fractions). Rows skipped are
/// moved over without reading any column.
/// </summary>
public sealed class RowSampleDataView : IDataView
{
    private readonly int[] _rows;

    /// <summary>Wraps <paramref name="source"/>; <paramref name="rows"/> are ascending, distinct positions of its rows.</summary>
    public RowSampleDataView(IDataView source, int[] rows)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(rows);
        for (var i = 1; i < rows.Length; i++)
        {
            if (rows[i] <= rows[i - 1])
            {
                throw new ArgumentException($"Row {rows[i]} at position {i} is not after {rows[i - 1]}; pass ascending, distinct positions.", nameof(rows));
            }
        }

        Source = source;
        _rows = rows;
    }

    /// <summary>The sampled view.</summary>
    public IDataView Source { get; }

    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema => Source.Schema;

    /// <summary>
    /// A uniform sample of <paramref name="count"/> rows of <paramref name="source"/> (<see cref="RowSample.Choose"/> with
    /// <paramref name="seed"/>), or <paramref name="source"/> itself when it has no more rows than that. A view that does not
    /// know its row count is counted with a cursor that reads no column.
    /// </summary>
    public static IDataView Sample(IDataView source, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(source);
        var rows = source.GetRowCount() ?? Count(source);
        return rows <= count ? source : new RowSampleDataView(source, RowSample.Choose(checked((int)rows), count, seed));

        static long Count(IDataView view)
        {
            using var cursor = view.GetRowCursor([]);
            var n = 0L;
            while (cursor.MoveNext())
            {
                n++;
            }

            return n;
        }
    }

    /// <summary>The sample's size (assuming <see cref="Source"/> has every position given).</summary>
    public long? GetRowCount() => _rows.Length;

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(Source.GetRowCursor(columnsNeeded), _rows);

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(DataViewRowCursor source, int[] rows) : DataViewRowCursor
    {
        private int _next;
        private bool _done;

        public override DataViewSchema Schema => source.Schema;

        public override long Position => _done ? -1 : _next - 1;

        public override long Batch => 0;

        public override bool IsColumnActive(DataViewSchema.Column column) => source.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => source.GetGetter<TValue>(column);

        public override ValueGetter<DataViewRowId> GetIdGetter() => source.GetIdGetter();

        public override bool MoveNext()
        {
            if (_done || _next >= rows.Length)
            {
                _done = true;
                return false;
            }

            while (source.Position < rows[_next])
            {
                if (!source.MoveNext())
                {
                    // The count this view reported (and a cache sized by it) would be wrong: say so rather than stop short.
                    _done = true;
                    throw new InvalidOperationException($"The sampled view ended at row {source.Position + 1}, before sampled position {rows[_next]}: the sample was drawn for more rows than it has.");
                }
            }

            _next++;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                source.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
