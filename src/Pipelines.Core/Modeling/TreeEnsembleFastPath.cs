using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Pipelines;

/// <summary>
/// The fast prediction path for a chain that ends in a GBDT binary classifier (Platt-calibrated) or regressor, LightGBM or
/// FastTree: ML.NET's row mapper computes the feature vector (the user's preprocessing, unchanged), and
/// <see cref="CompiledTreeEnsemble"/> scores it. ML.NET's own tree walk does per-node sparse lookups on the one-hot vectors and
/// was about 98% of a flights prediction. Used only when, at load, it reproduces ML.NET's score, probability and label on
/// generated feature vectors that take both sides of every split; otherwise the model is served through ML.NET alone.
/// </summary>
public sealed class TreeEnsembleFastPath
{
    private const int VerificationRows = 512;

    private TreeEnsembleFastPath(ITransformer featurizer, string featureColumn, CompiledTreeEnsemble trees, PlattCalibrator? calibrator, float threshold)
    {
        Featurizer = featurizer;
        FeatureColumn = featureColumn;
        Trees = trees;
        Calibrator = calibrator;
        Threshold = threshold;
    }

    /// <summary>The chain up to the predictor: raw row in, feature vector out.</summary>
    public ITransformer Featurizer { get; }

    /// <summary>The predictor's feature column.</summary>
    public string FeatureColumn { get; }

    /// <summary>The flattened ensemble.</summary>
    public CompiledTreeEnsemble Trees { get; }

    /// <summary>Binary: the Platt calibrator turning the score into a probability.</summary>
    public PlattCalibrator? Calibrator { get; }

    /// <summary>Binary: the predicted label is <c>score &gt; Threshold</c>.</summary>
    public float Threshold { get; }

    /// <summary>Whether this is a binary classifier (else a regressor).</summary>
    public bool IsBinary => Calibrator is not null;

    /// <summary>
    /// Scores one feature vector with the compiled trees, using <paramref name="dense"/> and <paramref name="positive"/>
    /// (length <see cref="CompiledTreeEnsemble.FeatureCount"/>) as scratch. False when a feature is missing (NaN): ML.NET
    /// must score that row.
    /// </summary>
    public bool TryScore(in VBuffer<float> features, float[] dense, int[] positive, out float score)
    {
        if (!TryScatter(features, dense, positive, out var on))
        {
            score = float.NaN;
            return false;
        }

        score = (float)Trees.Evaluate(dense, positive.AsSpan(0, on));
        return true;
    }

    /// <summary>
    /// Scores a sparse feature vector given as ascending (slot, value) entries, the others 0 (what
    /// <see cref="FeatureRowReader.Read"/> writes). <paramref name="dense"/> must be all zeros and is left so;
    /// <paramref name="positive"/> is scratch. False when a value is missing (NaN): ML.NET must score that row.
    /// </summary>
    public bool TryScore(ReadOnlySpan<int> slots, ReadOnlySpan<float> values, float[] dense, int[] positive, out float score)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(positive);
        var on = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]))
            {
                score = float.NaN;
                return false;
            }

            dense[slots[i]] = values[i];
            if (values[i] > 0f)
            {
                positive[on++] = slots[i];
            }
        }

        score = (float)Trees.Evaluate(dense, positive.AsSpan(0, on));
        foreach (var slot in slots)
        {
            dense[slot] = 0f;
        }

        return true;
    }

    /// <summary>
    /// Writes a feature vector into <paramref name="dense"/> and the slots above zero, ascending, into the first
    /// <paramref name="on"/> places of <paramref name="positive"/> (what <see cref="CompiledTreeEnsemble"/> walks); false when a
    /// value is missing (NaN).
    /// </summary>
    public static bool TryScatter(in VBuffer<float> features, float[] dense, int[] positive, out int on)
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(positive);
        on = 0;
        var values = features.GetValues();
        foreach (var v in values)
        {
            if (float.IsNaN(v))
            {
                return false;
            }
        }

        if (features.IsDense)
        {
            values.CopyTo(dense);
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] > 0f)
                {
                    positive[on++] = i;
                }
            }

            return true;
        }

        // Sparse (one-hot heavy): scatter into the dense copy; the slots that are on come already in order.
        Array.Clear(dense);
        var indices = features.GetIndices();
        for (var i = 0; i < indices.Length; i++)
        {
            dense[indices[i]] = values[i];
            if (values[i] > 0f)
            {
                positive[on++] = indices[i];
            }
        }

        return true;
    }

    /// <summary>The probability of a raw score, as ML.NET's Platt calibrator computes it.</summary>
    public float Probability(float score) => Calibrator!.PredictProbability(score);

    /// <summary>Builds the fast path, or returns null with the reason it does not apply.</summary>
    public static TreeEnsembleFastPath? TryCreate(ITransformer model, DataViewSchema inputSchema, out string reason)
    {
        var parts = TransformerSteps.Flatten(model).ToList();
        if (parts.Count == 0)
        {
            reason = "the model is empty";
            return null;
        }

        var last = parts[^1];
        PlattCalibrator? calibrator = null;

        // ML.NET does not expose a binary predictor's threshold; trainers set 0, and verification checks the labels agree.
        const float threshold = 0;
        object? parameters;
        string featureColumn;
        switch (last)
        {
            case BinaryPredictionTransformer<CalibratedModelParametersBase<Microsoft.ML.Trainers.LightGbm.LightGbmBinaryModelParameters, PlattCalibrator>> lightGbm:
                (parameters, calibrator, featureColumn) = (lightGbm.Model.SubModel, lightGbm.Model.Calibrator, lightGbm.FeatureColumnName);
                break;
            case BinaryPredictionTransformer<CalibratedModelParametersBase<FastTreeBinaryModelParameters, PlattCalibrator>> fastTree:
                (parameters, calibrator, featureColumn) = (fastTree.Model.SubModel, fastTree.Model.Calibrator, fastTree.FeatureColumnName);
                break;
            case RegressionPredictionTransformer<Microsoft.ML.Trainers.LightGbm.LightGbmRegressionModelParameters> lightGbmRegression:
                (parameters, featureColumn) = (lightGbmRegression.Model, lightGbmRegression.FeatureColumnName);
                break;
            case RegressionPredictionTransformer<FastTreeRegressionModelParameters> fastTreeRegression:
                (parameters, featureColumn) = (fastTreeRegression.Model, fastTreeRegression.FeatureColumnName);
                break;
            default:
                reason = $"the predictor is {last.GetType().Name}, not a Platt-calibrated binary or a regression GBDT";
                return null;
        }

        if (parameters is not TreeEnsembleModelParametersBasedOnRegressionTree ensembleModel)
        {
            reason = "the predictor holds no regression-tree ensemble";
            return null;
        }

        if (calibrator is not null && !HasDefaultThreshold(last, out var why))
        {
            reason = why;
            return null;
        }

        var featurizer = new TransformerChain<ITransformer>([.. parts.Take(parts.Count - 1)]);
        var featureType = featurizer.GetOutputSchema(inputSchema).GetColumnOrNull(featureColumn)?.Type as VectorDataViewType;
        if (featureType is not { ItemType: NumberDataViewType n, Size: > 0 } || n != NumberDataViewType.Single)
        {
            reason = $"the feature column '{featureColumn}' is not a fixed-size vector of Single";
            return null;
        }

        var trees = CompiledTreeEnsemble.TryCreate(ensembleModel.TrainedTreeEnsemble, featureType.Size);
        if (trees is null)
        {
            reason = "the ensemble reads features beyond the feature vector";
            return null;
        }

        var path = new TreeEnsembleFastPath(featurizer, featureColumn, trees, calibrator, threshold);
        if (path.Verify(last, featureType.Size) is { } mismatch)
        {
            reason = mismatch;
            return null;
        }

        reason = "";
        return path;
    }

    /// <summary>Scores generated feature vectors with ML.NET's predictor and with the compiled trees; the first difference, or null.</summary>
    private string? Verify(ITransformer predictor, int featureCount)
    {
        var ml = new MLContext(seed: 0);
        var random = new Random(20261201);
        var rows = new List<FeatureRow>(VerificationRows);
        for (var i = 0; i < VerificationRows; i++)
        {
            // Three densities: one-hot blocks are mostly zeros with a slot or two on (as real rows are), so that categorical
            // splits go both ways; values spread around typical split points for the numeric ones.
            var zeros = (i % 3) switch { 0 => 0.6, 1 => 0.95, _ => 0.99 };
            var values = new float[featureCount];
            for (var j = 0; j < featureCount; j++)
            {
                var pick = random.NextDouble();
                values[j] = pick < zeros ? 0f
                    : pick < zeros + ((1 - zeros) / 2) ? 1f
                    : (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(0, 5)));
            }

            rows.Add(new FeatureRow { Features = values });
        }

        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        schema[nameof(FeatureRow.Features)].ColumnName = FeatureColumn;
        var scored = predictor.Transform(ml.Data.LoadFromEnumerable(rows, schema));
        var scores = scored.GetColumn<float>("Score").ToArray();
        var probabilities = IsBinary ? scored.GetColumn<float>("Probability").ToArray() : null;
        var labels = IsBinary ? scored.GetColumn<bool>("PredictedLabel").ToArray() : null;
        var dense = new float[featureCount];
        var positive = new int[featureCount];
        for (var i = 0; i < rows.Count; i++)
        {
            // Both paths a caller takes: the dense vector, and the sparse one real one-hot rows arrive as.
            var values = rows[i].Features;
            var nonZero = Enumerable.Range(0, featureCount).Where(j => values[j] != 0f).ToArray();
            var sparse = new VBuffer<float>(featureCount, nonZero.Length, [.. nonZero.Select(j => values[j])], nonZero);
            if (!TryScore(sparse, dense, positive, out var fromSparse) || !TryScore(new VBuffer<float>(featureCount, values), dense, positive, out var score)
                || BitConverter.SingleToInt32Bits(fromSparse) != BitConverter.SingleToInt32Bits(score))
            {
                return $"the compiled trees score verification row {i} differently as a sparse and as a dense vector";
            }

            if (BitConverter.SingleToInt32Bits(score) != BitConverter.SingleToInt32Bits(scores[i]))
            {
                return $"the compiled trees' score {score:R} differs from ML.NET's {scores[i]:R} on verification row {i}";
            }

            if (IsBinary && (Probability(score) != probabilities![i] || (score > Threshold) != labels![i]))
            {
                return $"the calibrated probability or label differs from ML.NET's on verification row {i}";
            }
        }

        return null;
    }

    /// <summary>
    /// The compiled path labels <c>Score &gt; 0</c>. ML.NET keeps a binary predictor's threshold internal (a model saved after
    /// <c>ChangeModelThreshold</c> has another), so it is read by reflection; anything unexpected keeps the model on ML.NET.
    /// </summary>
    private static bool HasDefaultThreshold(ITransformer predictor, out string reason)
    {
        const System.Reflection.BindingFlags flags = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic;
        var type = predictor.GetType();
        object? threshold = type.GetField("Threshold", flags)?.GetValue(predictor) ?? type.GetProperty("Threshold", flags)?.GetValue(predictor);
        object? column = type.GetField("ThresholdColumn", flags)?.GetValue(predictor) ?? type.GetProperty("ThresholdColumn", flags)?.GetValue(predictor);
        if (threshold is float t && t == 0f && column is string c && c == "Score")
        {
            reason = "";
            return true;
        }

        reason = threshold is null || column is null
            ? "the binary predictor's threshold cannot be read"
            : $"the binary predictor labels {column} > {threshold}, not Score > 0";
        return false;
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }
}
