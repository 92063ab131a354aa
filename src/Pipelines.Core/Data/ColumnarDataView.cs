using Microsoft.ML;
using Microsoft.ML.Data;

namespace Pipelines.Data;

/// <summary>
/// Exposes a <see cref="ColumnarTable"/> to ML.NET as an <see cref="IDataView"/> without copying or parsing:
/// Numeric and Timestamp columns as <see cref="double"/> (NaN = missing), Text as <see cref="ReadOnlyMemory{T}"/> of char
/// (missing = empty, which ML.NET's text and key transforms treat as missing).
/// </summary>
public sealed class ColumnarDataView : IDataView
{
    private readonly ColumnarTable _table;
    private readonly ReadOnlyMemory<char>[][] _dictionaries;

    /// <summary>Wraps a table.</summary>
    public ColumnarDataView(ColumnarTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table;
        var builder = new DataViewSchema.Builder();
        _dictionaries = new ReadOnlyMemory<char>[table.Columns.Count][];
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var column = table.Columns[i];
            if (column is TextColumn text)
            {
                builder.AddColumn(column.Name, TextDataViewType.Instance);
                _dictionaries[i] = text.Dictionary.Select(s => s.AsMemory()).ToArray();
            }
            else
            {
                builder.AddColumn(column.Name, NumberDataViewType.Double);
            }
        }

        Schema = builder.ToSchema();
    }

    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <inheritdoc />
    public long? GetRowCount() => _table.RowCount;

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly ColumnarDataView _view;
        private readonly HashSet<int> _active;
        private long _position = -1;

        public Cursor(ColumnarDataView view, HashSet<int> active)
        {
            _view = view;
            _active = active;
        }

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => _view.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => _active.Contains(column.Index);

        public override bool MoveNext()
        {
            if (_position + 1 >= _view._table.RowCount)
            {
                _position = _view._table.RowCount;
                return false;
            }

            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column))
            {
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor.");
            }

            var source = _view._table.Columns[column.Index];
            if (source is NumericColumn numeric && typeof(TValue) == typeof(double))
            {
                var values = numeric.Values;
                ValueGetter<double> getter = (ref double value) => value = values[_position];
                return (ValueGetter<TValue>)(Delegate)getter;
            }

            if (source is TextColumn text && typeof(TValue) == typeof(ReadOnlyMemory<char>))
            {
                var codes = text.Codes;
                var dictionary = _view._dictionaries[column.Index];
                ValueGetter<ReadOnlyMemory<char>> getter = (ref ReadOnlyMemory<char> value) =>
                {
                    var code = codes[_position];
                    value = code < 0 ? ReadOnlyMemory<char>.Empty : dictionary[code];
                };
                return (ValueGetter<TValue>)(Delegate)getter;
            }

            throw new InvalidOperationException($"Column '{column.Name}' is {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }
    }
}
