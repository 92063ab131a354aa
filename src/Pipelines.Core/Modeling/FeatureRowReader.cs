using System.Runtime.CompilerServices;

namespace Pipelines;

/// <summary>Reads rows of <see cref="FeatureRows"/> as sparse feature vectors; one per thread (it keeps scratch state).</summary>
public sealed class FeatureRowReader
{
    private readonly BoundPart[] _parts;
    private readonly Action<DatePartsInput, DatePartsOutput> _dateParts = new DatePartsMappingFactory().GetMapping();
    private readonly DatePartsInput _dateInput = new();
    private readonly DatePartsOutput _dateOutput = new();
    private double[]? _dateColumn;
    private int _dateRow = -1;

    // ReadBlock's date parts: all four fields of one column's rows, computed once for the four blocks that read them.
    private readonly float[][] _dateFields = [[], [], [], []];
    private double[]? _dateFieldsColumn;
    private int _dateFieldsFirst = -1;
    private int _dateFieldsRows = -1;

    internal FeatureRowReader(BoundPart[] parts) => _parts = parts;

    /// <summary>
    /// Writes row <paramref name="row"/>'s feature vector as (slot, value) entries in ascending slot order and returns how
    /// many: every number and date part (NaN when missing), and the hot slot of each one-hot block that has one; the slots not
    /// written are 0. The spans hold at least <see cref="CompiledFeaturizer.MaxEntries"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Read(int row, Span<int> slots, Span<float> values)
    {
        var n = 0;
        foreach (ref readonly var part in _parts.AsSpan())
        {
            switch (part.Kind)
            {
                case BoundPartKind.Number:
                    slots[n] = part.Slot;
                    values[n++] = (float)part.Numbers![row];
                    break;
                case BoundPartKind.DatePart:
                    slots[n] = part.Slot;
                    values[n++] = DatePart(part.Numbers!, row, part.Which);
                    break;
                default:
                    var key = part.KeyOfCode![part.Codes![row] + 1];
                    if (key != 0)
                    {
                        slots[n] = part.Slot + (int)key - 1;
                        values[n++] = 1f;
                    }

                    break;
            }
        }

        return n;
    }

    /// <summary>
    /// Writes block <paramref name="block"/> (of <see cref="CompiledFeaturizer.Blocks"/>) of rows <paramref name="firstRow"/>..
    /// (<paramref name="rows"/> of them), one value per row, row i's at <c>destination[i * stride]</c>: a number or date part's
    /// value (NaN when missing), or a one-hot block's hot slot counted from the block's first (−1 when none is hot). A block at
    /// a time, without <see cref="Read"/>'s dispatch over the parts for every row: the same values, several times faster.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReadBlock(int block, int firstRow, int rows, Span<float> destination, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        if (rows == 0)
        {
            return;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, (long)(rows - 1) * stride + 1);
        ref readonly var part = ref _parts[block];
        switch (part.Kind)
        {
            case BoundPartKind.Number:
                var numbers = part.Numbers.AsSpan(firstRow, rows);
                for (int i = 0, d = 0; i < numbers.Length; i++, d += stride)
                {
                    destination[d] = (float)numbers[i];
                }

                break;
            case BoundPartKind.DatePart:
                var field = DateFields(part.Numbers!, firstRow, rows)[part.Which].AsSpan(0, rows);
                for (int i = 0, d = 0; i < field.Length; i++, d += stride)
                {
                    destination[d] = field[i];
                }

                break;
            default:
                var codes = part.Codes.AsSpan(firstRow, rows);
                var keys = part.KeyOfCode!;
                for (int i = 0, d = 0; i < codes.Length; i++, d += stride)
                {
                    // Key 0 (missing or never seen) is −1: no slot of the block is hot.
                    destination[d] = (int)keys[codes[i] + 1] - 1;
                }

                break;
        }
    }

    /// <summary>The bound table's arrays were refilled in place (a reused chunk): forget what was computed from their old rows.</summary>
    public void Refresh()
    {
        _dateColumn = null;
        _dateRow = -1;
        _dateFieldsColumn = null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float[][] DateFields(double[] column, int firstRow, int rows)
    {
        if (ReferenceEquals(column, _dateFieldsColumn) && firstRow == _dateFieldsFirst && rows == _dateFieldsRows)
        {
            return _dateFields;
        }

        _dateFieldsColumn = null; // until the arrays hold these rows
        if (_dateFields[0].Length < rows)
        {
            for (var f = 0; f < _dateFields.Length; f++)
            {
                _dateFields[f] = GC.AllocateUninitializedArray<float>(rows);
            }
        }

        for (var i = 0; i < rows; i++)
        {
            _dateInput.Timestamp = column[firstRow + i];
            _dateParts(_dateInput, _dateOutput);
            _dateFields[0][i] = _dateOutput.DatePartsHour;
            _dateFields[1][i] = _dateOutput.DatePartsWeekday;
            _dateFields[2][i] = _dateOutput.DatePartsMonth;
            _dateFields[3][i] = _dateOutput.DatePartsDay;
        }

        (_dateFieldsColumn, _dateFieldsFirst, _dateFieldsRows) = (column, firstRow, rows);
        return _dateFields;
    }

    private float DatePart(double[] column, int row, int which)
    {
        // The four parts of one timestamp usually sit side by side: compute them once per row and column.
        if (row != _dateRow || !ReferenceEquals(column, _dateColumn))
        {
            _dateInput.Timestamp = column[row];
            _dateParts(_dateInput, _dateOutput);
            (_dateRow, _dateColumn) = (row, column);
        }

        return which switch
        {
            0 => _dateOutput.DatePartsHour,
            1 => _dateOutput.DatePartsWeekday,
            2 => _dateOutput.DatePartsMonth,
            _ => _dateOutput.DatePartsDay,
        };
    }
}
