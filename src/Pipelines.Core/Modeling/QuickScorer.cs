using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.Trainers.FastTree;

namespace Pipelines;

/// <summary>
/// QuickScorer (Lucchese et al., SIGIR 2015): scores a GBDT ensemble without walking its trees. Each tree's leaves are
/// numbered left to right and every split gets a bit mask clearing the leaves of its left subtree. For a row, the splits it
/// takes to the right are found feature by feature (a feature's thresholds sorted ascending: those below the value, then
/// stop), and their masks are ANDed into one 64-bit word per tree; the tree's exit leaf is the lowest bit left. A tree walk
/// mispredicts a branch at about every other node; this reads the splits of each feature in order, with one unpredictable
/// branch per feature, and is exact: the same leaves, so the same sum in the same order.
/// </summary>
/// <remarks>
/// Decisions as <see cref="CompiledTreeEnsemble"/>'s walk: numeric <c>value &lt;= threshold</c> goes left (a row has no
/// NaN here); categorical: a slot &gt; 0 of the row in the split's set goes right. Trees with more than 64 leaves, or more
/// than 4,096 trees, are not compiled (the walk scores them).
/// </remarks>
internal sealed class QuickScorer
{
    /// <summary>The most leaves a tree may have (one bit each).</summary>
    public const int MaxLeaves = 64;

    /// <summary>The most trees: a row's words live on the stack (32 KiB at most).</summary>
    public const int MaxTrees = 4096;

    // Numeric splits grouped by feature, each group by ascending threshold: _numeric[_featureStarts[k].._featureStarts[k + 1]]
    // are the splits on feature _features[k].
    private readonly int[] _features;
    private readonly int[] _featureStarts;
    private readonly NumericSplit[] _numeric;

    // Features with many splits: the masks of each interval between consecutive thresholds, ANDed beforehand.
    private readonly IntervalTables _intervals;

    // Categorical splits by slot: _categorical[_slotStarts[s].._slotStarts[s + 1]] are the splits sending slot s right.
    private readonly int[] _slotStarts;
    private readonly TreeMask[] _categorical;

    private readonly int[] _leafStarts;
    private readonly double[] _leafValues;
    private readonly double[] _treeWeights;
    private readonly double _bias;

    private QuickScorer(int[] features, int[] featureStarts, NumericSplit[] numeric, IntervalTables intervals, int[] slotStarts, TreeMask[] categorical,
        int[] leafStarts, double[] leafValues, double[] treeWeights, double bias)
    {
        _features = features;
        _featureStarts = featureStarts;
        _numeric = numeric;
        _intervals = intervals;
        _slotStarts = slotStarts;
        _categorical = categorical;
        _leafStarts = leafStarts;
        _leafValues = leafValues;
        _treeWeights = treeWeights;
        _bias = bias;
    }

    /// <summary>The number of trees.</summary>
    public int TreeCount => _treeWeights.Length;

    /// <summary>How the splits are held: numeric features folded into interval tables and scanned split by split, categorical
    /// slots folded into a row and listed.</summary>
    internal (int TableFeatures, int ScannedFeatures, int TableSlots, int ListedSlots) Layout =>
        (_intervals.FeatureCount, _features.Length, _intervals.SlotCount, Enumerable.Range(0, _slotStarts.Length - 1).Count(s => _slotStarts[s + 1] > _slotStarts[s]));

    /// <summary>Compiles an ensemble; null when a tree has more than <see cref="MaxLeaves"/> leaves or there are more than
    /// <see cref="MaxTrees"/> trees.</summary>
    public static QuickScorer? TryCreate(RegressionTreeEnsemble ensemble)
    {
        var trees = ensemble.Trees;
        if (trees.Count > MaxTrees)
        {
            return null;
        }

        var numeric = new List<(int Feature, NumericSplit Split)>();
        var categorical = new List<(int Slot, TreeMask Split)>();
        var leafStarts = new int[trees.Count];
        var leafValues = new List<double>();
        var maxSlot = -1;
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            if (tree.NumberOfLeaves > MaxLeaves)
            {
                return null;
            }

            // Leaves in left-to-right order, and each split's left subtree as a range of them.
            var order = new int[tree.NumberOfLeaves];
            var leftLeaves = new (int Start, int End)[tree.NumberOfNodes];
            var next = 0;
            if (tree.NumberOfNodes > 0)
            {
                Number(tree, 0, order, leftLeaves, ref next);
            }
            else
            {
                order[0] = 0;
            }

            leafStarts[t] = leafValues.Count;
            var values = new double[tree.NumberOfLeaves];
            for (var leaf = 0; leaf < values.Length; leaf++)
            {
                values[order[leaf]] = tree.LeafValues[leaf];
            }

            leafValues.AddRange(values);
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                var (start, end) = leftLeaves[n];
                var mask = ~(((1UL << (end - start)) - 1) << start);
                if (tree.CategoricalSplitFlags[n])
                {
                    foreach (var slot in tree.GetCategoricalSplitFeaturesAt(n).Distinct())
                    {
                        categorical.Add((slot, new TreeMask(t, mask)));
                        maxSlot = Math.Max(maxSlot, slot);
                    }
                }
                else
                {
                    numeric.Add((tree.NumericalSplitFeatureIndexes[n], new NumericSplit(tree.NumericalSplitThresholds[n], t, mask)));
                }
            }
        }

        var features = new List<int>();
        var featureStarts = new List<int>();
        var numericSplits = new List<NumericSplit>(numeric.Count);
        var tables = new IntervalTables.Builder(trees.Count);
        foreach (var group in numeric.GroupBy(s => s.Feature).OrderBy(g => g.Key))
        {
            var sorted = group.Select(s => s.Split).OrderBy(s => s.Threshold).ToList();
            if (tables.TryAdd(group.Key, sorted))
            {
                continue;
            }

            // Each group ends in a split no value passes (+∞ is not below any number): the scan stops there without counting.
            features.Add(group.Key);
            featureStarts.Add(numericSplits.Count);
            numericSplits.AddRange(sorted);
            numericSplits.Add(new NumericSplit(float.PositiveInfinity, 0, ulong.MaxValue));
        }

        featureStarts.Add(numericSplits.Count);
        var slotStarts = new int[maxSlot + 2];
        var categoricalSplits = categorical.GroupBy(c => c.Slot).OrderBy(g => g.Key)
            .Where(g => !tables.TryAddSlot(g.Key, [.. g.Select(c => (c.Split.Tree, c.Split.Mask))]))
            .SelectMany(g => g).ToList();
        for (int s = 0, i = 0; s <= maxSlot + 1; s++)
        {
            while (i < categoricalSplits.Count && categoricalSplits[i].Slot < s)
            {
                i++;
            }

            slotStarts[s] = i;
        }

        return new QuickScorer([.. features], [.. featureStarts], [.. numericSplits], tables.Build(), slotStarts, [.. categoricalSplits.Select(c => c.Split)], leafStarts,
            [.. leafValues], [.. ensemble.TreeWeights], ensemble.Bias);
    }

    /// <summary>The raw score (sum of the trees' leaf values, in tree order, plus the bias) of a dense feature vector without
    /// NaN whose slots with a value &gt; 0 are <paramref name="positive"/>.</summary>
    public double Evaluate(ReadOnlySpan<float> features, ReadOnlySpan<int> positive)
    {
        Span<ulong> exits = stackalloc ulong[TreeCount];
        Exits(features, positive, exits);
        var sum = 0.0;
        for (var t = 0; t < exits.Length; t++)
        {
            sum += Output(t, exits[t]);
        }

        return sum + _bias;
    }

    /// <summary>The raw score after each tree (see <see cref="CompiledTreeEnsemble.EvaluateRunning"/>).</summary>
    public void EvaluateRunning(ReadOnlySpan<float> features, ReadOnlySpan<int> positive, Span<double> running)
    {
        Span<ulong> exits = stackalloc ulong[TreeCount];
        Exits(features, positive, exits);
        var sum = 0.0;
        for (var t = 0; t < exits.Length; t++)
        {
            sum += Output(t, exits[t]);
            running[t] = sum + _bias;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Output(int t, ulong exit) => _treeWeights[t] * _leafValues[_leafStarts[t] + BitOperations.TrailingZeroCount(exit)];

    /// <summary>Each tree's leaves still reachable after the row's right turns; the exit leaf is the lowest bit.</summary>
    private void Exits(ReadOnlySpan<float> features, ReadOnlySpan<int> positive, Span<ulong> exits)
    {
        exits.Fill(ulong.MaxValue);
        _intervals.Apply(features, exits);
        ref var words = ref MemoryMarshal.GetReference(exits);
        ref var numeric = ref MemoryMarshal.GetArrayDataReference(_numeric);
        var starts = _featureStarts;
        var keys = _features;
        for (var k = 0; k < keys.Length; k++)
        {
            var x = features[keys[k]];
            ref var split = ref Unsafe.Add(ref numeric, starts[k]);
            while (split.Threshold < x)
            {
                Unsafe.Add(ref words, split.Tree) &= split.Mask;
                split = ref Unsafe.Add(ref split, 1);
            }
        }

        var slotStarts = _slotStarts;
        ref var categorical = ref MemoryMarshal.GetArrayDataReference(_categorical);
        foreach (var slot in positive)
        {
            if ((uint)slot >= (uint)(slotStarts.Length - 1) || _intervals.TryApplySlot(slot, exits))
            {
                continue;
            }

            for (int i = slotStarts[slot], end = slotStarts[slot + 1]; i < end; i++)
            {
                ref readonly var split = ref Unsafe.Add(ref categorical, i);
                Unsafe.Add(ref words, split.Tree) &= split.Mask;
            }
        }
    }

    /// <summary>Numbers the leaves under <paramref name="node"/> left to right from <paramref name="next"/>, and records each
    /// split's left subtree as a range of those numbers.</summary>
    private static void Number(RegressionTreeBase tree, int node, int[] order, (int Start, int End)[] leftLeaves, ref int next)
    {
        if (node < 0)
        {
            order[~node] = next++;
            return;
        }

        var start = next;
        Number(tree, tree.LeftChild[node], order, leftLeaves, ref next);
        leftLeaves[node] = (start, next);
        Number(tree, tree.RightChild[node], order, leftLeaves, ref next);
    }

    /// <summary>A numeric split: 16 bytes, read in threshold order.</summary>
    internal readonly record struct NumericSplit(float Threshold, int Tree, ulong Mask);

    /// <summary>A categorical split of one tree.</summary>
    private readonly record struct TreeMask(int Tree, ulong Mask);
}
