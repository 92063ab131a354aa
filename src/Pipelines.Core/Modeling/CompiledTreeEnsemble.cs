using Microsoft.ML.Trainers.FastTree;

namespace Pipelines;

/// <summary>
/// A GBDT ensemble (LightGBM or FastTree, as ML.NET holds it) flattened into arrays and walked on a dense feature vector: the
/// same decisions as ML.NET's own tree walk (numeric: <c>value &lt;= threshold</c> goes left; categorical: any listed slot
/// &gt; 0 goes right), without its per-node sparse lookups. Rows with a missing (NaN) feature are not scored here: ML.NET
/// substitutes per-node defaults for them that its public API does not expose. Ensembles whose trees have at most 64 leaves
/// are scored by <see cref="QuickScorer"/> (no walk; the same leaves, hence bit-identical scores).
/// </summary>
public sealed class CompiledTreeEnsemble
{
    private readonly int[] _treeRoots;
    private readonly int[] _leafOffsets;
    private readonly double[] _treeWeights;
    private readonly double[] _leafValues;

    // One 16-byte record per node (a walk step reads one cache line, not four arrays) and the categorical splits by number,
    // also 16-byte records, their bit sets side by side in one array (no object per split to chase on every categorical node).
    private readonly Node[] _nodes;
    private readonly CategoricalSplit[] _categoricalSplits;
    private readonly ulong[] _categoricalBits;

    // Disjoint slot ranges holding every categorical split (one per one-hot block, or finer): a row with at most one slot on
    // in each range tests a categorical split with one bit lookup on that slot instead of scanning the row's slots that are on.
    private readonly int[] _rangeLow;
    private readonly int[] _rangeHigh;

    // The same decisions without the walk (null with trees of more than 64 leaves or more than 4,096 trees): what Evaluate uses.
    private readonly QuickScorer? _quick;

    private CompiledTreeEnsemble(RegressionTreeEnsemble ensemble, int featureCount)
    {
        FeatureCount = featureCount;
        Bias = ensemble.Bias;
        var trees = ensemble.Trees;
        _treeRoots = new int[trees.Count];
        _leafOffsets = new int[trees.Count];
        _treeWeights = [.. ensemble.TreeWeights];
        var nodes = new List<Node>();
        var categoricalSplits = new List<CategoricalSplit>();
        var categoricalBits = new List<ulong>();
        var leaves = new List<double>();
        var maxFeature = -1;
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            var nodeOffset = nodes.Count;
            _treeRoots[t] = tree.NumberOfNodes == 0 ? -1 : nodeOffset;
            _leafOffsets[t] = leaves.Count;
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                int feature;
                if (tree.CategoricalSplitFlags[n])
                {
                    int[] slots = [.. tree.GetCategoricalSplitFeaturesAt(n)];
                    feature = ~categoricalSplits.Count;
                    categoricalSplits.Add(CategoricalSplit.Of(slots, categoricalBits));
                    maxFeature = Math.Max(maxFeature, slots.DefaultIfEmpty(-1).Max());
                }
                else
                {
                    feature = tree.NumericalSplitFeatureIndexes[n];
                    maxFeature = Math.Max(maxFeature, feature);
                }

                // Children: internal nodes become global node indexes; leaves stay ~(leaf index within the tree).
                nodes.Add(new Node(
                    feature,
                    tree.NumericalSplitThresholds[n],
                    tree.LeftChild[n] >= 0 ? tree.LeftChild[n] + nodeOffset : tree.LeftChild[n],
                    tree.RightChild[n] >= 0 ? tree.RightChild[n] + nodeOffset : tree.RightChild[n]));
            }

            leaves.AddRange(tree.LeafValues);
        }

        _nodes = [.. nodes];
        (_rangeLow, _rangeHigh) = Ranges(categoricalSplits);
        _categoricalSplits = [.. categoricalSplits.Select(c => c with { Range = Math.Max(0, Array.FindLastIndex(_rangeLow, low => low <= c.Low)) })];
        _categoricalBits = [.. categoricalBits];
        _leafValues = [.. leaves];
        MaxFeatureIndex = maxFeature;
        _quick = QuickScorer.TryCreate(ensemble);
    }

    /// <summary>The feature vector length the ensemble was trained on.</summary>
    public int FeatureCount { get; }

    /// <summary>The largest feature index any split reads.</summary>
    public int MaxFeatureIndex { get; }

    /// <summary>Added to the sum of the trees.</summary>
    public double Bias { get; }

    /// <summary>Flattens an ensemble; null when it reads features beyond <paramref name="featureCount"/>.</summary>
    public static CompiledTreeEnsemble? TryCreate(RegressionTreeEnsemble ensemble, int featureCount)
    {
        var compiled = new CompiledTreeEnsemble(ensemble, featureCount);
        return compiled.MaxFeatureIndex < featureCount ? compiled : null;
    }

    /// <summary>The raw score (sum of leaf values, as ML.NET sums them) of a dense feature vector without NaN.</summary>
    public double Evaluate(ReadOnlySpan<float> features)
    {
        Span<int> on = features.Length <= 1024 ? stackalloc int[features.Length] : new int[features.Length];
        var count = 0;
        for (var i = 0; i < features.Length; i++)
        {
            if (features[i] > 0f)
            {
                on[count++] = i;
            }
        }

        return Evaluate(features, on[..count]);
    }

    /// <summary>The number of trees (boosting iterations of a binary or regression GBDT).</summary>
    public int TreeCount => _treeRoots.Length;

    /// <summary>The raw score of a dense feature vector without NaN whose slots with a value &gt; 0 are
    /// <paramref name="positive"/> (ascending).</summary>
    public double Evaluate(ReadOnlySpan<float> features, ReadOnlySpan<int> positive) =>
        _quick?.Evaluate(features, positive) ?? EvaluateByWalk(features, positive);

    /// <summary>Whether <see cref="Evaluate(ReadOnlySpan{float}, ReadOnlySpan{int})"/> uses <see cref="QuickScorer"/> (every tree has at most
    /// <see cref="QuickScorer.MaxLeaves"/> leaves) rather than walking the trees.</summary>
    public bool UsesQuickScorer => _quick is not null;

    /// <summary>The <see cref="QuickScorer"/>, or null.</summary>
    internal QuickScorer? Quick => _quick;

    /// <summary>The raw score by walking each tree from its root (the reference <see cref="QuickScorer"/> is tested against).</summary>
    internal double EvaluateByWalk(ReadOnlySpan<float> features, ReadOnlySpan<int> positive)
    {
        Span<int> hot = _rangeLow.Length <= 256 ? stackalloc int[_rangeLow.Length] : new int[_rangeLow.Length];
        var oneHot = HotSlots(positive, hot);
        var sum = 0.0;
        for (var t = 0; t < _treeRoots.Length; t++)
        {
            sum += oneHot ? TreeOutput(t, features, new HotSlot(hot, _categoricalBits)) : TreeOutput(t, features, new ScanPositive(positive, _categoricalBits));
        }

        return sum + Bias;
    }

    /// <summary>
    /// The raw score after each tree: <paramref name="running"/>[t] is the score of the first t + 1 trees (plus the bias), what
    /// the model would have scored had boosting stopped there; the last one equals
    /// <see cref="Evaluate(ReadOnlySpan{float}, ReadOnlySpan{int})"/>.
    /// </summary>
    public void EvaluateRunning(ReadOnlySpan<float> features, ReadOnlySpan<int> positive, Span<double> running)
    {
        if (running.Length < _treeRoots.Length)
        {
            throw new ArgumentException($"Room for {running.Length} scores; the ensemble has {_treeRoots.Length} trees.", nameof(running));
        }

        if (_quick is not null)
        {
            _quick.EvaluateRunning(features, positive, running);
            return;
        }

        Span<int> hot = _rangeLow.Length <= 256 ? stackalloc int[_rangeLow.Length] : new int[_rangeLow.Length];
        var oneHot = HotSlots(positive, hot);
        var sum = 0.0;
        for (var t = 0; t < _treeRoots.Length; t++)
        {
            sum += oneHot ? TreeOutput(t, features, new HotSlot(hot, _categoricalBits)) : TreeOutput(t, features, new ScanPositive(positive, _categoricalBits));
            running[t] = sum + Bias;
        }
    }

    /// <summary>The slot that is on in each categorical range (−1: none); false when a range has two (multi-hot rows take
    /// the scanning walk).</summary>
    private bool HotSlots(ReadOnlySpan<int> positive, Span<int> hot)
    {
        hot.Fill(-1);
        var r = 0;
        foreach (var slot in positive)
        {
            while (r < _rangeLow.Length && slot > _rangeHigh[r])
            {
                r++;
            }

            if (r == _rangeLow.Length)
            {
                break;
            }

            if (slot < _rangeLow[r])
            {
                continue;
            }

            if (hot[r] >= 0)
            {
                return false;
            }

            hot[r] = slot;
        }

        return true;
    }

    /// <summary>The categorical splits' [Low, High] merged where they overlap, ascending.</summary>
    private static (int[] Low, int[] High) Ranges(List<CategoricalSplit> splits)
    {
        var low = new List<int>();
        var high = new List<int>();
        foreach (var split in splits.Where(c => c.Low <= c.High).OrderBy(c => c.Low))
        {
            if (high.Count > 0 && split.Low <= high[^1])
            {
                high[^1] = Math.Max(high[^1], split.High);
            }
            else
            {
                low.Add(split.Low);
                high.Add(split.High);
            }
        }

        return ([.. low], [.. high]);
    }

    /// <summary>One tree's output; <paramref name="categorical"/> decides the categorical splits (a struct: no virtual call).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private double TreeOutput<TTest>(int t, ReadOnlySpan<float> features, TTest categorical)
        where TTest : ICategoricalTest, allows ref struct
    {
        var node = _treeRoots[t];
        if (node < 0)
        {
            return _treeWeights[t] * _leafValues[_leafOffsets[t]];
        }

        ref var nodes = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_nodes);
        var splits = _categoricalSplits;
        while (node >= 0)
        {
            ref readonly var current = ref System.Runtime.CompilerServices.Unsafe.Add(ref nodes, node);
            var f = current.Feature;
            var goRight = f >= 0 ? !(features[f] <= current.Threshold) : categorical.GoesRight(in splits[~f]);
            node = goRight ? current.Right : current.Left;
        }

        return _treeWeights[t] * _leafValues[_leafOffsets[t] + ~node];
    }

    /// <summary>How a walk decides a categorical split for the row.</summary>
    private interface ICategoricalTest
    {
        bool GoesRight(in CategoricalSplit split);
    }

    /// <summary>Any slot that is on in the row is in the split's set (any row).</summary>
    private readonly ref struct ScanPositive(ReadOnlySpan<int> positive, ulong[] bits) : ICategoricalTest
    {
        private readonly ReadOnlySpan<int> _positive = positive;
        private readonly ReadOnlySpan<ulong> _bits = bits;

        public bool GoesRight(in CategoricalSplit split) => split.AnyOn(_positive, _bits);
    }

    /// <summary>The row's one slot that is on in the split's range is in its set (rows with at most one per range).</summary>
    private readonly ref struct HotSlot(ReadOnlySpan<int> hot, ulong[] bits) : ICategoricalTest
    {
        private readonly ReadOnlySpan<int> _hot = hot;
        private readonly ReadOnlySpan<ulong> _bits = bits;

        public bool GoesRight(in CategoricalSplit split) => split.Contains(_hot[split.Range], _bits);
    }

    private readonly record struct Node(int Feature, float Threshold, int Left, int Right);

    /// <summary>A categorical split's slots going right, as a bit set over [Low, High] (words <see cref="BitsStart"/>… of the
    /// ensemble's bit array; an empty set has Low &gt; High): tested against the few slots that are on in a row instead of
    /// reading every listed slot.</summary>
    private readonly record struct CategoricalSplit(int Low, int High, int BitsStart)
    {
        /// <summary>The index of the categorical range (see <c>Ranges</c>) holding the split.</summary>
        public int Range { get; init; }

        public static CategoricalSplit Of(int[] slots, List<ulong> bits)
        {
            if (slots.Length == 0)
            {
                return new CategoricalSplit(1, 0, bits.Count);
            }

            var low = slots.Min();
            var high = slots.Max();
            var start = bits.Count;
            bits.AddRange(new ulong[((high - low) >> 6) + 1]);
            foreach (var slot in slots)
            {
                bits[start + ((slot - low) >> 6)] |= 1UL << ((slot - low) & 63);
            }

            return new CategoricalSplit(low, high, start);
        }

        /// <summary>Whether <paramref name="slot"/> (−1: none) is in the set.</summary>
        public bool Contains(int slot, ReadOnlySpan<ulong> bits)
        {
            var offset = slot - Low;
            return offset >= 0 && slot <= High && (bits[BitsStart + (offset >> 6)] & (1UL << (offset & 63))) != 0;
        }

        /// <summary>Whether any slot that is on (ascending) is in the set.</summary>
        public bool AnyOn(ReadOnlySpan<int> positive, ReadOnlySpan<ulong> bits)
        {
            foreach (var slot in positive)
            {
                if (slot < Low)
                {
                    continue;
                }

                if (slot > High)
                {
                    return false;
                }

                var offset = slot - Low;
                if ((bits[BitsStart + (offset >> 6)] & (1UL << (offset & 63))) != 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
