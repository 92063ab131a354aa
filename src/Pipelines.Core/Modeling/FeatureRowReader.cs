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

    internal FeatureRowReader(BoundPart[] parts) => _parts = parts;

    /// <summary>
    /// Writes row <paramref name="row"/>'s feature vector as (slot, value) entries in ascending slot order and returns how
    /// many: every number and date part (NaN when missing), and the hot slot of each one-hot block that has one; the slots not
    /// written are 0. The spans hold at least <see cref="CompiledFeaturizer.MaxEntries"/>.
    /// </summary>
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

    /// <summary>The bound table's arrays were refilled in place (a reused chunk): forget what was computed from their old rows.</summary>
    public void Refresh()
    {
        _dateColumn = null;
        _dateRow = -1;
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
