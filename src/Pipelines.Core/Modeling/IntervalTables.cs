using System.Numerics;
using System.Runtime.InteropServices;

namespace Pipelines;

/// <summary>
/// For <see cref="QuickScorer"/>: a numeric feature's splits folded into one word per tree for each interval between its
/// consecutive distinct thresholds. A row's value falls in one interval (a binary search over the thresholds), and that
/// interval's words, the AND of the masks of every split whose threshold is below the value, are ANDed into the row's
/// exits with vector instructions: one pass over the trees instead of a scan of about half the feature's splits. AND is
/// associative and commutative, so the exits (and scores) are exactly those of the scan.
/// </summary>
internal sealed class IntervalTables
{
    /// <summary>The most bytes of interval words per ensemble (a feature past it is scanned split by split).</summary>
    public const long MaxBytes = 16L << 20;

    private readonly int _trees;
    private readonly int[] _features;
    private readonly int[] _cutStarts;
    private readonly float[] _cuts;
    private readonly ulong[] _words;

    // Categorical slots with many splits: the row of words of slot s is _slotRows[s] (−1: none; the slot's splits are listed).
    private readonly int[] _slotRows;

    private IntervalTables(int trees, int[] features, int[] cutStarts, float[] cuts, ulong[] words, int[] slotRows)
    {
        _trees = trees;
        _features = features;
        _cutStarts = cutStarts;
        _cuts = cuts;
        _words = words;
        _slotRows = slotRows;
    }

    /// <summary>The features folded into tables.</summary>
    public int FeatureCount => _features.Length;

    /// <summary>The categorical slots folded into a row.</summary>
    public int SlotCount => _slotRows.Count(r => r >= 0);

    /// <summary>ANDs into <paramref name="exits"/> (one word per tree) the words of the interval each table feature's value is in.</summary>
    public void Apply(ReadOnlySpan<float> features, Span<ulong> exits)
    {
        var cuts = _cuts;
        for (var k = 0; k < _features.Length; k++)
        {
            var x = features[_features[k]];

            // The interval: the number of thresholds below x (interval 0 has no split to apply). A binary search written
            // with conditional moves: the comparisons are as unpredictable as a tree walk's.
            int start = _cutStarts[k], low = start, count = _cutStarts[k + 1] - start;
            while (count > 0)
            {
                var half = count >> 1;
                var below = cuts[low + half] < x;
                low = below ? low + half + 1 : low;
                count = below ? count - half - 1 : half;
            }

            if (low > start)
            {
                And(exits, _words.AsSpan((low - 1) * _trees, _trees));
            }
        }
    }

    /// <summary>ANDs the words of a categorical slot that is on into <paramref name="exits"/>; false when the slot has no
    /// row (its splits are listed, or it has none).</summary>
    public bool TryApplySlot(int slot, Span<ulong> exits)
    {
        var rows = _slotRows;
        if ((uint)slot >= (uint)rows.Length || rows[slot] < 0)
        {
            return false;
        }

        And(exits, _words.AsSpan(rows[slot] * _trees, _trees));
        return true;
    }

    private static void And(Span<ulong> exits, ReadOnlySpan<ulong> words)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var left = MemoryMarshal.Cast<ulong, Vector<ulong>>(exits);
            var right = MemoryMarshal.Cast<ulong, Vector<ulong>>(words);
            for (var v = 0; v < left.Length; v++)
            {
                left[v] &= right[v];
            }

            i = left.Length * Vector<ulong>.Count;
        }

        for (; i < exits.Length; i++)
        {
            exits[i] &= words[i];
        }
    }

    /// <summary>Collects the features worth a table, within <see cref="MaxBytes"/>.</summary>
    internal sealed class Builder(int trees)
    {
        private readonly List<int> _features = [];
        private readonly List<int> _cutStarts = [];
        private readonly List<float> _cuts = [];
        private readonly List<ulong> _words = [];
        private readonly List<(int Slot, int Row)> _slotRows = [];

        /// <summary>
        /// Folds one feature's splits (ascending thresholds) into a table when it has enough of them to be worth one pass over
        /// the trees (a quarter of the tree count, at least 16) and the table fits; false leaves the feature to the scan.
        /// </summary>
        public bool TryAdd(int feature, IReadOnlyList<QuickScorer.NumericSplit> splits)
        {
            var distinct = splits.Select(s => s.Threshold).Distinct().Count();
            if (trees == 0 || splits.Count < Math.Max(16, trees / 4) || ((long)_words.Count + ((long)distinct * trees)) * sizeof(ulong) > MaxBytes)
            {
                return false;
            }

            _features.Add(feature);
            _cutStarts.Add(_cuts.Count);
            var row = new ulong[trees];
            Array.Fill(row, ulong.MaxValue);
            for (var i = 0; i < splits.Count;)
            {
                // The interval above this threshold: every split up to and including it goes right.
                var threshold = splits[i].Threshold;
                for (; i < splits.Count && splits[i].Threshold == threshold; i++)
                {
                    row[splits[i].Tree] &= splits[i].Mask;
                }

                _cuts.Add(threshold);
                _words.AddRange(row);
            }

            return true;
        }

        /// <summary>
        /// Folds the splits sending a categorical slot right (tree, mask of each) into one row when there are enough of them
        /// (as for <see cref="TryAdd"/>) and the row fits; false leaves them listed.
        /// </summary>
        public bool TryAddSlot(int slot, IReadOnlyList<(int Tree, ulong Mask)> splits)
        {
            if (trees == 0 || splits.Count < Math.Max(16, trees / 4) || ((long)_words.Count + trees) * sizeof(ulong) > MaxBytes)
            {
                return false;
            }

            var row = new ulong[trees];
            Array.Fill(row, ulong.MaxValue);
            foreach (var (tree, mask) in splits)
            {
                row[tree] &= mask;
            }

            _slotRows.Add((slot, _words.Count / trees));
            _words.AddRange(row);
            return true;
        }

        public IntervalTables Build()
        {
            var slotRows = new int[_slotRows.Count == 0 ? 0 : _slotRows.Max(s => s.Slot) + 1];
            Array.Fill(slotRows, -1);
            foreach (var (slot, row) in _slotRows)
            {
                slotRows[slot] = row;
            }

            return new(trees, [.. _features], [.. _cutStarts, _cuts.Count], [.. _cuts], [.. _words], slotRows);
        }
    }
}
