using Microsoft.ML.Trainers.FastTree;

namespace Pipelines;

/// <summary>
/// A GBDT ensemble (LightGBM or FastTree, as ML.NET holds it) flattened into arrays and walked on a dense feature vector: the
/// same decisions as ML.NET's own tree walk (numeric: <c>value &lt;= threshold</c> goes left; categorical: any listed slot
/// &gt; 0 goes right), without its per-node sparse lookups. Rows with a missing (NaN) feature are not scored here: ML.NET
/// substitutes per-node defaults for them that its public API does not expose.
/// </summary>
public sealed class CompiledTreeEnsemble
{
    private readonly int[] _treeRoots;
    private readonly int[] _leafOffsets;
    private readonly double[] _treeWeights;
    private readonly int[] _feature;
    private readonly float[] _threshold;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly int[]?[] _categories;
    private readonly int[] _categoryLow;
    private readonly int[] _categoryHigh;
    private readonly ulong[]?[] _categoryBits;
    private readonly double[] _leafValues;

    private CompiledTreeEnsemble(RegressionTreeEnsemble ensemble, int featureCount)
    {
        FeatureCount = featureCount;
        Bias = ensemble.Bias;
        var trees = ensemble.Trees;
        _treeRoots = new int[trees.Count];
        _leafOffsets = new int[trees.Count];
        _treeWeights = [.. ensemble.TreeWeights];
        var feature = new List<int>();
        var threshold = new List<float>();
        var left = new List<int>();
        var right = new List<int>();
        var categories = new List<int[]?>();
        var leaves = new List<double>();
        for (var t = 0; t < trees.Count; t++)
        {
            var tree = trees[t];
            var nodeOffset = feature.Count;
            _treeRoots[t] = tree.NumberOfNodes == 0 ? -1 : nodeOffset;
            _leafOffsets[t] = leaves.Count;
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                var categorical = tree.CategoricalSplitFlags[n];
                feature.Add(categorical ? -1 : tree.NumericalSplitFeatureIndexes[n]);
                threshold.Add(tree.NumericalSplitThresholds[n]);

                // Children: internal nodes become global node indexes; leaves stay ~(leaf index within the tree).
                left.Add(tree.LeftChild[n] >= 0 ? tree.LeftChild[n] + nodeOffset : tree.LeftChild[n]);
                right.Add(tree.RightChild[n] >= 0 ? tree.RightChild[n] + nodeOffset : tree.RightChild[n]);
                categories.Add(categorical ? [.. tree.GetCategoricalSplitFeaturesAt(n)] : null);
            }

            leaves.AddRange(tree.LeafValues);
        }

        _feature = [.. feature];
        _threshold = [.. threshold];
        _left = [.. left];
        _right = [.. right];
        _categories = [.. categories];
        _leafValues = [.. leaves];

        // A categorical split lists the one-hot slots that go right; as a bit set over [low, high] it is tested against the
        // few slots that are on in a row instead of reading every listed slot.
        _categoryLow = new int[_categories.Length];
        _categoryHigh = new int[_categories.Length];
        _categoryBits = new ulong[]?[_categories.Length];
        for (var n = 0; n < _categories.Length; n++)
        {
            if (_categories[n] is not { Length: > 0 } slots)
            {
                _categoryLow[n] = 1;
                _categoryHigh[n] = 0;
                continue;
            }

            var low = slots.Min();
            var high = slots.Max();
            var bits = new ulong[((high - low) >> 6) + 1];
            foreach (var slot in slots)
            {
                bits[(slot - low) >> 6] |= 1UL << ((slot - low) & 63);
            }

            (_categoryLow[n], _categoryHigh[n], _categoryBits[n]) = (low, high, bits);
        }
        var used = _feature.Where(f => f >= 0).Concat(_categories.Where(c => c is not null).SelectMany(c => c!));
        MaxFeatureIndex = used.DefaultIfEmpty(-1).Max();
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
    public double Evaluate(ReadOnlySpan<float> features, ReadOnlySpan<int> positive)
    {
        var sum = 0.0;
        for (var t = 0; t < _treeRoots.Length; t++)
        {
            sum += TreeOutput(t, features, positive);
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

        var sum = 0.0;
        for (var t = 0; t < _treeRoots.Length; t++)
        {
            sum += TreeOutput(t, features, positive);
            running[t] = sum + Bias;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private double TreeOutput(int t, ReadOnlySpan<float> features, ReadOnlySpan<int> positive)
    {
        var node = _treeRoots[t];
        if (node < 0)
        {
            return _treeWeights[t] * _leafValues[_leafOffsets[t]];
        }

        var feature = _feature;
        var threshold = _threshold;
        var left = _left;
        var right = _right;
        while (node >= 0)
        {
            var f = feature[node];
            bool goRight;
            if (f >= 0)
            {
                goRight = !(features[f] <= threshold[node]);
            }
            else
            {
                goRight = false;
                var low = _categoryLow[node];
                var high = _categoryHigh[node];
                var bits = _categoryBits[node];
                foreach (var slot in positive)
                {
                    if (slot < low)
                    {
                        continue;
                    }

                    if (slot > high)
                    {
                        break;
                    }

                    var offset = slot - low;
                    if ((bits![offset >> 6] & (1UL << (offset & 63))) != 0)
                    {
                        goRight = true;
                        break;
                    }
                }
            }

            node = goRight ? right[node] : left[node];
        }

        return _treeWeights[t] * _leafValues[_leafOffsets[t] + ~node];
    }
}
