using System.Runtime.CompilerServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>
/// A split read once into what LightGBM's C API takes: a dense row-major float32 matrix in the columns of a
/// <see cref="LightGbmFeatureLayout"/>, one float label per row (binary 0/1, multiclass the class index, regression and ranking
/// the value) and, for ranking, the sizes of consecutive query groups.
/// </summary>
internal sealed class LightGbmMatrix
{
    private LightGbmMatrix(float[] values, float[] labels, int rows, int columns, int[] groupSizes)
    {
        Values = values;
        Labels = labels;
        Rows = rows;
        Columns = columns;
        GroupSizes = groupSizes;
    }

    /// <summary>The matrix; only the first <see cref="Rows"/> × <see cref="Columns"/> values are rows.</summary>
    public float[] Values { get; }

    /// <summary>The labels; only the first <see cref="Rows"/> are rows.</summary>
    public float[] Labels { get; }

    /// <summary>The rows read.</summary>
    public int Rows { get; }

    /// <summary>The columns per row.</summary>
    public int Columns { get; }

    /// <summary>Ranking: the sizes of consecutive runs of one group id; empty otherwise.</summary>
    public int[] GroupSizes { get; }

    /// <summary>The rows, row-major.</summary>
    public ReadOnlySpan<float> RowValues => Values.AsSpan(0, Rows * Columns);

    /// <summary>The labels of the rows.</summary>
    public ReadOnlySpan<float> RowLabels => Labels.AsSpan(0, Rows);

    /// <summary>Reads at most <paramref name="maxRows"/> rows (its first ones) of <paramref name="data"/>.</summary>
    /// <param name="data">Prepared data (see <see cref="LabelPreparation"/>): the feature column as floats, <see cref="LabelPreparation.LabelColumn"/>
    /// and, for ranking, <see cref="LabelPreparation.GroupColumn"/>.</param>
    /// <param name="featureColumn">The feature column.</param>
    /// <param name="layout">Its LightGBM columns.</param>
    /// <param name="maxRows">The most rows to read.</param>
    /// <param name="cancellationToken">Checked every 65,536 rows.</param>
    /// <param name="rawLabel">When set, <paramref name="data"/> is the unprepared split and the label comes from its raw column by
    /// this rule (rows whose raw label is missing are skipped, as <see cref="LabelPreparation"/> drops them): the same rows and
    /// labels without ML.NET's per-row label transforms.</param>
    public static LightGbmMatrix Read(IDataView data, string featureColumn, LightGbmFeatureLayout layout, long maxRows, CancellationToken cancellationToken,
        RawLabelRule? rawLabel = null)
    {
        var feature = data.Schema[featureColumn];
        var label = data.Schema[rawLabel?.Column ?? LabelPreparation.LabelColumn];
        var group = data.Schema.GetColumnOrNull(LabelPreparation.GroupColumn);
        var columns = layout.Columns;
        var capacity = (int)Math.Clamp(Math.Min(data.GetRowCount() ?? 65_536, maxRows), 1, int.MaxValue / Math.Max(1, columns));
        var values = new float[(long)capacity * columns];
        var labels = new float[capacity];
        var groupSizes = new List<int>();
        var rows = 0;
        using var cursor = data.GetRowCursor(group is { } g ? [feature, label, g] : [feature, label]);
        var features = cursor.GetGetter<VBuffer<float>>(feature);
        var readLabel = rawLabel is null ? LabelReader(cursor, label) : rawLabel.Reader(cursor, label);
        var readGroup = group is { } column ? cursor.GetGetter<uint>(column) : null;
        var vector = default(VBuffer<float>);
        uint previousGroup = 0;
        while (rows < maxRows && cursor.MoveNext())
        {
            if ((rows & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (rows == capacity)
            {
                capacity = (int)Math.Min(Math.Min((long)capacity * 2, maxRows), int.MaxValue / Math.Max(1, columns));
                if (capacity == rows)
                {
                    throw new DataValidationException($"The split has more rows than LightGBM's C API takes in one matrix ({rows} rows × {columns} columns).");
                }

                Array.Resize(ref values, capacity * columns);
                Array.Resize(ref labels, capacity);
            }

            var value = readLabel();
            if (float.IsNaN(value) && rawLabel is not null)
            {
                continue;
            }

            features(ref vector);
            Collapse(vector, layout, values.AsSpan(rows * columns, columns));
            labels[rows] = value;
            if (readGroup is not null)
            {
                uint id = 0;
                readGroup(ref id);
                if (rows == 0 || id != previousGroup)
                {
                    groupSizes.Add(1);
                }
                else
                {
                    groupSizes[^1]++;
                }

                previousGroup = id;
            }

            rows++;
        }

        return new LightGbmMatrix(values, labels, rows, columns, [.. groupSizes]);
    }

    /// <summary>
    /// Reads consecutive row ranges of one split (each its own view, e.g. raw rows with the transform graph applied) on up to
    /// <paramref name="threads"/> threads, and joins them in order: the same matrix as <see cref="Read"/> over the whole split.
    /// </summary>
    public static LightGbmMatrix ReadRanges(IReadOnlyList<IDataView> ranges, string featureColumn, LightGbmFeatureLayout layout, RawLabelRule rawLabel,
        int threads, CancellationToken cancellationToken)
    {
        var parts = new LightGbmMatrix[ranges.Count];
        try
        {
            Parallel.For(0, ranges.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = cancellationToken },
                i => parts[i] = Read(ranges[i], featureColumn, layout, long.MaxValue, cancellationToken, rawLabel));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }

        var rows = parts.Sum(p => (long)p.Rows);
        var columns = layout.Columns;
        if (rows * columns > int.MaxValue)
        {
            throw new DataValidationException($"The split has more rows than LightGBM's C API takes in one matrix ({rows} rows × {columns} columns).");
        }

        var values = GC.AllocateUninitializedArray<float>((int)rows * columns);
        var labels = GC.AllocateUninitializedArray<float>((int)rows);
        var offset = 0;
        foreach (var part in parts)
        {
            part.RowValues.CopyTo(values.AsSpan(offset * columns));
            part.RowLabels.CopyTo(labels.AsSpan(offset));
            offset += part.Rows;
        }

        return new LightGbmMatrix(values, labels, (int)rows, columns, []);
    }

    /// <summary>
    /// Reads raw rows through a compiled featurizer (<see cref="FeatureRows"/>, checked equal to the graph) on
    /// <paramref name="threads"/> threads straight into one matrix: the same matrix as <see cref="Read"/> over the graph's view
    /// with <paramref name="rawLabel"/>, without ML.NET's per-row cursors. Rows whose label is missing are skipped; at most
    /// the first <paramref name="maxRows"/> rows with a label are read.
    /// </summary>
    public static LightGbmMatrix ReadCompiled(FeatureRows rows, double[] rawLabels, RawLabelRule rawLabel, LightGbmFeatureLayout layout, int threads,
        CancellationToken cancellationToken, long maxRows = long.MaxValue)
    {
        var ranges = Math.Max(1, Math.Min(4 * Math.Max(1, threads), rows.Table.RowCount / 65_536));
        var size = (rows.Table.RowCount + ranges - 1) / ranges;
        return ReadCompiled(rows.Featurizer, rawLabels, rawLabel, layout, threads, Math.Max(1, size), () => new TableWindow(rows), cancellationToken, maxRows);
    }

    /// <summary>
    /// <see cref="ReadCompiled(FeatureRows, double[], RawLabelRule, LightGbmFeatureLayout, int, CancellationToken, long)"/> over a
    /// split on disk: each thread reads chunks of <paramref name="chunkRows"/> rows into one chunk table it reuses, so the
    /// split's columns are never all in memory (only <paramref name="rawLabels"/>, the split's whole label column, is).
    /// </summary>
    public static LightGbmMatrix ReadCompiled(CompiledFeaturizer featurizer, ColumnarChunkReader split, double[] rawLabels, RawLabelRule rawLabel,
        LightGbmFeatureLayout layout, int threads, CancellationToken cancellationToken, int chunkRows = 65_536)
    {
        if (rawLabels.Length != split.RowCount)
        {
            throw new ArgumentException($"{rawLabels.Length} labels for a split of {split.RowCount} rows.", nameof(rawLabels));
        }

        return ReadCompiled(featurizer, rawLabels, rawLabel, layout, threads, chunkRows, () => new ChunkWindow(featurizer, split, chunkRows), cancellationToken, long.MaxValue);
    }

    private static LightGbmMatrix ReadCompiled(CompiledFeaturizer featurizer, double[] rawLabels, RawLabelRule rawLabel, LightGbmFeatureLayout layout,
        int threads, int rangeRows, Func<RowWindow> window, CancellationToken cancellationToken, long maxRows)
    {
        var count = rawLabels.Length;
        var columns = layout.Columns;

        // Labels first (cheap), in one pass: a row's place in the matrix is its rank among the rows with a label. Rows past the
        // last one kept are not read.
        var labels = new float[count];
        var firstPlace = new int[((count + rangeRows - 1) / rangeRows) + 1];
        var kept = ReadLabels(rawLabels, rawLabel, rangeRows, maxRows, labels, firstPlace, ref count);

        if ((long)kept * columns > int.MaxValue)
        {
            throw new DataValidationException($"The split has more rows than LightGBM's C API takes in one matrix ({kept} rows × {columns} columns).");
        }

        var values = GC.AllocateUninitializedArray<float>(kept * columns);
        var ranges = (count + rangeRows - 1) / rangeRows;
        firstPlace[ranges] = kept;
        var plan = LightGbmColumnPlan.For(featurizer, layout);

        Parallel.For(
            0,
            ranges,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = cancellationToken },
            window,
            (i, _, state) =>
            {
                var first = i * rangeRows;
                var end = Math.Min(count, first + rangeRows);
                var (reader, offset) = state.Open(first, end - first);
                var place = firstPlace[i];
                if (plan is not null && firstPlace[i + 1] - place == end - first)
                {
                    // Every row of the range has a label: its rows are consecutive in the matrix, read a block at a time.
                    var scratch = state.Scratch;
                    plan.Read(reader, offset, end - first, values.AsSpan(place * columns, (end - first) * columns), ref scratch);
                    state.Scratch = scratch;
                    return state;
                }

                for (var r = first; r < end; r++)
                {
                    if (float.IsNaN(rawLabel.Label(rawLabels[r])))
                    {
                        continue;
                    }

                    var n = reader.Read(r - first + offset, state.Slots, state.Values);
                    CollapseSparse(state.Slots.AsSpan(0, n), state.Values.AsSpan(0, n), layout, values.AsSpan(place * columns, columns));
                    place++;
                }

                return state;
            },
            _ => { });

        return new LightGbmMatrix(values, labels, kept, columns, []);
    }

    /// <summary>The labels of the rows that have one, and the place of each range's first such row; stops after
    /// <paramref name="maxRows"/> of them (<paramref name="count"/> becomes the rows gone through). Returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ReadLabels(double[] rawLabels, RawLabelRule rawLabel, int rangeRows, long maxRows, float[] labels, int[] firstPlace, ref int count)
    {
        var kept = 0;
        for (int i = 0, r = 0; r < count; i++)
        {
            firstPlace[i] = kept;
            for (var end = Math.Min(count, r + rangeRows); r < end; r++)
            {
                if (kept == maxRows)
                {
                    count = r;
                    return kept;
                }

                var label = rawLabel.Label(rawLabels[r]);
                if (!float.IsNaN(label))
                {
                    labels[kept++] = label;
                }
            }
        }

        return kept;
    }

    /// <summary>One feature vector into its LightGBM columns.</summary>
    internal static void Collapse(in VBuffer<float> vector, LightGbmFeatureLayout layout, Span<float> row)
    {
        if (vector.Length != layout.SlotCount)
        {
            throw new DataValidationException($"A feature vector has {vector.Length} slots where the column declares {layout.SlotCount}.");
        }

        var starts = layout.ColumnStarts;
        var categorical = layout.IsCategorical;
        var slotValues = vector.GetValues();
        if (vector.IsDense)
        {
            for (var c = 0; c < row.Length; c++)
            {
                if (!categorical[c])
                {
                    row[c] = slotValues[starts[c]];
                    continue;
                }

                row[c] = -1;
                for (var slot = starts[c]; slot < starts[c + 1]; slot++)
                {
                    if (slotValues[slot] > 0)
                    {
                        row[c] = slot - starts[c];
                        break;
                    }
                }
            }

            return;
        }

        CollapseSparse(vector.GetIndices(), slotValues, layout, row);
    }

    /// <summary>A sparse feature vector (ascending slots; the others are 0) into its LightGBM columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CollapseSparse(ReadOnlySpan<int> indices, ReadOnlySpan<float> slotValues, LightGbmFeatureLayout layout, Span<float> row)
    {
        var starts = layout.ColumnStarts;
        var categorical = layout.IsCategorical;
        for (var c = 0; c < row.Length; c++)
        {
            row[c] = categorical[c] ? -1 : 0;
        }

        var slotColumn = layout.SlotColumn;
        for (var i = 0; i < indices.Length; i++)
        {
            var slot = indices[i];
            var c = slotColumn[slot];
            if (!categorical[c])
            {
                row[c] = slotValues[i];
            }
            else if (slotValues[i] > 0 && row[c] < 0)
            {
                // The first hot slot of a block (ML.NET's trainer picks one at random when several are).
                row[c] = slot - starts[c];
            }
        }
    }

    /// <summary>One thread's access to the rows of a range, with its scratch vectors.</summary>
    private abstract class RowWindow(CompiledFeaturizer featurizer)
    {
        public int[] Slots { get; } = new int[featurizer.MaxEntries];

        public float[] Values { get; } = new float[featurizer.MaxEntries];

        /// <summary><see cref="LightGbmColumnPlan.Read"/>'s scratch, kept for the thread's next range.</summary>
        public float[] Scratch { get; set; } = [];

        /// <summary>The reader of rows <paramref name="firstRow"/>.. (<paramref name="rows"/> of them) and the index of the first in it.</summary>
        public abstract (FeatureRowReader Reader, int Offset) Open(int firstRow, int rows);
    }

    /// <summary>Rows of a table in memory.</summary>
    private sealed class TableWindow(FeatureRows rows) : RowWindow(rows.Featurizer)
    {
        private readonly FeatureRowReader _reader = rows.CreateReader();

        public override (FeatureRowReader Reader, int Offset) Open(int firstRow, int rows) => (_reader, firstRow);
    }

    /// <summary>Rows of a split on disk, read into this thread's chunk.</summary>
    private sealed class ChunkWindow : RowWindow
    {
        private readonly ColumnarChunkReader _split;
        private readonly ColumnarTable _chunk;
        private readonly FeatureRowReader _reader;

        public ChunkWindow(CompiledFeaturizer featurizer, ColumnarChunkReader split, int chunkRows)
            : base(featurizer)
        {
            _split = split;
            _chunk = split.CreateChunk(Math.Max(1, Math.Min(chunkRows, split.RowCount)));

            // Bound once: the chunk's arrays are refilled in place, and its dictionaries are the split's.
            _reader = (featurizer.TryBind(_chunk, out var why) ?? throw new InvalidOperationException($"The compiled graph does not bind to a chunk of '{split.Directory}': {why}")).CreateReader();
        }

        public override (FeatureRowReader Reader, int Offset) Open(int firstRow, int rows)
        {
            _split.Fill(_chunk, firstRow, rows);
            _reader.Refresh();
            return (_reader, 0);
        }
    }

    private static Func<float> LabelReader(DataViewRowCursor cursor, DataViewSchema.Column label)
    {
        switch (label.Type)
        {
            case BooleanDataViewType:
            {
                var get = cursor.GetGetter<bool>(label);
                var value = false;
                return () =>
                {
                    get(ref value);
                    return value ? 1f : 0f;
                };
            }

            case KeyDataViewType:
            {
                // Keys are 1-based (0 = missing, filtered out by LabelPreparation); LightGBM's classes are 0-based.
                var get = cursor.GetGetter<uint>(label);
                uint value = 0;
                return () =>
                {
                    get(ref value);
                    return value - 1f;
                };
            }

            case NumberDataViewType when label.Type.RawType == typeof(double):
            {
                var get = cursor.GetGetter<double>(label);
                var value = 0d;
                return () =>
                {
                    get(ref value);
                    return (float)value;
                };
            }

            case NumberDataViewType when label.Type.RawType == typeof(float):
            {
                var get = cursor.GetGetter<float>(label);
                var value = 0f;
                return () =>
                {
                    get(ref value);
                    return value;
                };
            }

            default:
                throw new DataValidationException($"The prepared label is {label.Type}; LightGBM's C API needs a bool, key or number label.");
        }
    }
}
