using System.Globalization;
using System.Text;

namespace Pipelines.Components;

/// <summary>
/// Trains LightGBM through its C API on matrices read once from the transformed examples (<see cref="LightGbmMatrix"/>):
/// native dataset construction from a float32 matrix, one <c>LGBM_BoosterUpdateOneIter</c> per iteration with the eval
/// sample's metric recorded after each, early stopping on it. The result is LightGBM's own text model, plus the same model
/// over the feature vector's slots for ML.NET's pre-trained LightGBM loader, so the saved model is an ordinary ML.NET chain.
/// </summary>
internal sealed class NativeLightGbmTraining : IDisposable
{
    private readonly LightGbmNative.Dataset _train;
    private readonly LightGbmNative.Dataset? _valid;
    private readonly LightGbmNative.Booster _booster;
    private readonly LightGbmFeatureLayout _layout;
    private readonly TrainingTask _task;
    private readonly int _classes;

    private NativeLightGbmTraining(LightGbmNative.Dataset train, LightGbmNative.Dataset? valid, LightGbmNative.Booster booster,
        LightGbmFeatureLayout layout, TrainingTask task, int classes, string parameters)
    {
        _train = train;
        _valid = valid;
        _booster = booster;
        _layout = layout;
        _task = task;
        _classes = classes;
        Parameters = parameters;
    }

    /// <summary>The LightGBM parameters trained with.</summary>
    public string Parameters { get; }

    /// <summary>The eval metric's name (LightGBM's), null without an eval sample.</summary>
    public string? MetricName { get; private set; }

    /// <summary>The eval sample's metric after each iteration.</summary>
    public List<double> MetricPerIteration { get; } = [];

    /// <summary>Iterations kept in the model (the best one's when early stopping ended training).</summary>
    public int Iterations { get; private set; }

    /// <summary>Set when early stopping ended training.</summary>
    public EarlyStoppingResult? EarlyStopping { get; private set; }

    /// <summary>The iteration at which LightGBM found no split that improves the loss and stopped (its trees so far are the
    /// model; at iteration 1 the model is a constant), or null when it boosted on.</summary>
    public int? NoSplitAt { get; private set; }

    /// <summary>Outputs per row of <see cref="Predict"/>: the class count for multiclass, else 1.</summary>
    public int OutputsPerRow => _task == TrainingTask.MulticlassClassification ? _classes : 1;

    /// <summary>Builds the native datasets and the booster.</summary>
    /// <param name="options">The algorithm options.</param>
    /// <param name="task">The task.</param>
    /// <param name="threads">Training threads.</param>
    /// <param name="classes">Multiclass: the class count.</param>
    /// <param name="layout">The LightGBM columns of the feature vector.</param>
    /// <param name="train">The train split.</param>
    /// <param name="valid">The eval sample, or null.</param>
    public static NativeLightGbmTraining Create(LightGbmOptions options, TrainingTask task, int threads, int classes,
        LightGbmFeatureLayout layout, LightGbmMatrix train, LightGbmMatrix? valid)
    {
        var parameters = ParametersFor(options, task, threads, classes, layout, hasValid: valid is not null);
        var trainSet = LightGbmNative.Dataset.Create(train.RowValues, train.Columns, train.RowLabels, train.GroupSizes, parameters, null);
        LightGbmNative.Dataset? validSet = null;
        LightGbmNative.Booster? booster = null;
        try
        {
            trainSet.SetFeatureNames(layout.Names);
            validSet = valid is null
                ? null
                : LightGbmNative.Dataset.Create(valid.RowValues, valid.Columns, valid.RowLabels, valid.GroupSizes, parameters, trainSet);
            booster = new LightGbmNative.Booster(trainSet, parameters);
            if (validSet is not null)
            {
                booster.AddValidData(validSet);
            }

            return new NativeLightGbmTraining(trainSet, validSet, booster, layout, task, classes, parameters);
        }
        catch
        {
            booster?.Dispose();
            validSet?.Dispose();
            trainSet.Dispose();
            throw;
        }
    }

    /// <summary>LightGBM's parameters for the options: native names, native defaults where the options leave them.</summary>
    internal static string ParametersFor(LightGbmOptions a, TrainingTask task, int threads, int classes, LightGbmFeatureLayout layout, bool hasValid)
    {
        var p = new List<string>();
        switch (task)
        {
            case TrainingTask.BinaryClassification:
                p.Add("objective=binary");
                p.Add("sigmoid=1");
                if (a.UnbalancedSets)
                {
                    p.Add("is_unbalance=true");
                }

                break;
            case TrainingTask.MulticlassClassification:
                p.Add("objective=multiclass");
                p.Add(Invariant($"num_class={classes}"));
                break;
            case TrainingTask.Regression:
                p.Add("objective=regression");
                break;
            default:
                p.Add("objective=lambdarank");
                p.Add("eval_at=5");
                break;
        }

        p.Add("metric=" + (hasValid ? MetricFor(task) : "None"));
        p.Add(Invariant($"num_iterations={a.NumberOfIterations}"));
        p.Add(Invariant($"num_leaves={a.NumberOfLeaves}"));
        p.Add(Invariant($"learning_rate={a.LearningRate}"));
        p.Add(Invariant($"min_data_in_leaf={a.MinimumExampleCountPerLeaf}"));
        p.Add(Invariant($"min_sum_hessian_in_leaf={a.MinimumChildWeight}"));
        p.Add(Invariant($"max_depth={(a.MaximumTreeDepth > 0 ? a.MaximumTreeDepth : -1)}"));
        p.Add(Invariant($"min_gain_to_split={a.MinimumSplitGain}"));
        p.Add(Invariant($"feature_fraction={a.FeatureFraction}"));
        p.Add(Invariant($"bagging_fraction={a.SubsampleFraction}"));
        p.Add(Invariant($"bagging_freq={a.SubsampleFrequency}"));
        p.Add(Invariant($"lambda_l1={a.L1Regularization}"));
        p.Add(Invariant($"lambda_l2={a.L2Regularization}"));
        p.Add(Invariant($"max_bin={a.MaximumBinCountPerFeature}"));
        p.Add(Invariant($"bin_construct_sample_cnt={a.BinSampleCount}"));
        p.Add(Invariant($"min_data_per_group={a.MinimumExampleCountPerGroup}"));
        p.Add(Invariant($"max_cat_threshold={a.MaximumCategoricalSplitPointCount}"));
        p.Add(Invariant($"cat_smooth={a.CategoricalSmoothing}"));
        p.Add(Invariant($"cat_l2={a.L2CategoricalRegularization}"));
        p.Add("use_missing=" + (a.HandleMissingValue ? "true" : "false"));
        p.Add("zero_as_missing=false");
        p.Add("deterministic=" + (a.Deterministic ? "true" : "false"));
        if (a.ForceColumnWise)
        {
            p.Add("force_col_wise=true");
        }

        if (a.ForceRowWise)
        {
            p.Add("force_row_wise=true");
        }

        var categorical = string.Join(',', layout.CategoricalColumns);
        if (categorical.Length > 0)
        {
            p.Add("categorical_feature=" + categorical);
        }

        p.Add(Invariant($"num_threads={threads}"));
        p.Add(Invariant($"seed={a.Seed}"));
        p.Add("verbosity=-1");
        return string.Join(' ', p);
    }

    /// <summary>The metric logged per iteration (and early stopping's): LightGBM's default for the objective.</summary>
    internal static string MetricFor(TrainingTask task) => task switch
    {
        TrainingTask.BinaryClassification => "binary_logloss",
        TrainingTask.MulticlassClassification => "multi_logloss",
        TrainingTask.Regression => "l2",
        _ => "ndcg",
    };

    /// <summary>Boosts up to <paramref name="iterations"/> times; with an eval sample, records its metric after each and stops
    /// after <paramref name="earlyStoppingRound"/> iterations without improvement (0 = never).</summary>
    public void Train(int iterations, int earlyStoppingRound, CancellationToken cancellationToken)
    {
        var higherIsBetter = _task == TrainingTask.Ranking;
        MetricName = _valid is null ? null : _task == TrainingTask.Ranking ? "ndcg@5" : MetricFor(_task);
        var best = 0;
        var bestValue = double.NaN;
        for (var i = 1; i <= iterations; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_booster.UpdateOneIteration())
            {
                NoSplitAt = i;
                if (earlyStoppingRound > 0 && best > 0 && best < i - 1)
                {
                    // Early stopping keeps the best iteration also when LightGBM stops for lack of a split.
                    EarlyStopping = new EarlyStoppingResult(best, bestValue);
                }

                break;
            }

            if (_valid is null)
            {
                continue;
            }

            var value = _booster.Evaluate(1) is [var first, ..] ? first : double.NaN;
            MetricPerIteration.Add(value);
            if (best == 0 || (higherIsBetter ? value > bestValue : value < bestValue))
            {
                (best, bestValue) = (i, value);
            }
            else if (earlyStoppingRound > 0 && i - best >= earlyStoppingRound)
            {
                EarlyStopping = new EarlyStoppingResult(best, bestValue);
                break;
            }
        }

        Iterations = EarlyStopping?.BestIteration ?? _booster.CurrentIteration;
    }

    /// <summary>LightGBM's text model (the kept iterations) over the LightGBM columns: loadable by any LightGBM.</summary>
    public string NativeModelText() => _booster.SaveModelToString(Iterations);

    /// <summary>
    /// The model over the feature vector's slots, for ML.NET's pre-trained loader (<c>LightGbm(Stream, featureColumnName)</c>):
    /// each split's feature becomes its column's first slot (a categorical split's categories are then offsets from it, as
    /// ML.NET reads them), <c>max_feature_idx</c> the vector's last slot, and the parameters only what the loader needs
    /// (objective and sigmoid set the model's output; the loader would also copy any other parameter into its options).
    /// Numeric thresholds become the largest float not above LightGBM's double threshold: ML.NET compares a float feature with
    /// the threshold cast to float, which rounds to nearest, so a value within half a float step above the double threshold
    /// (e.g. 42.4f against 42.39999961853028, the midpoint of two nearby values) would go left in ML.NET and right in
    /// LightGBM; rounded down, every float takes LightGBM's branch.
    /// </summary>
    public static string ForMlNet(string nativeModel, LightGbmFeatureLayout layout)
    {
        var lines = nativeModel.Split('\n');
        var result = new StringBuilder(nativeModel.Length + 1024);
        var inParameters = false;
        var sigmoid = "1";
        var objective = "regression";
        foreach (var line in lines)
        {
            if (line.StartsWith("objective=", StringComparison.Ordinal))
            {
                objective = line["objective=".Length..].Split(' ')[0];
            }

            if (line.StartsWith("[sigmoid: ", StringComparison.Ordinal))
            {
                sigmoid = line["[sigmoid: ".Length..].TrimEnd(']', '\r');
            }
        }

        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            if (line.StartsWith("parameters:", StringComparison.Ordinal))
            {
                inParameters = true;
                result.Append(line).Append('\n');
                result.Append("[boosting: gbdt]\n");
                result.Append("[objective: ").Append(objective).Append("]\n");
                if (objective == "binary")
                {
                    result.Append("[sigmoid: ").Append(sigmoid).Append("]\n");
                }

                result.Append("[categorical_feature: ]\n");
                continue;
            }

            if (inParameters)
            {
                if (line.StartsWith("end of parameters", StringComparison.Ordinal))
                {
                    inParameters = false;
                    result.Append(line).Append('\n');
                }

                continue;
            }

            if (line.StartsWith("max_feature_idx=", StringComparison.Ordinal))
            {
                result.Append("max_feature_idx=").Append((layout.SlotCount - 1).ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            else if (line.StartsWith("split_feature=", StringComparison.Ordinal))
            {
                var columns = Values(line);
                result.Append("split_feature=").AppendJoin(' ', columns.Select(c => layout.ColumnStarts[int.Parse(c, CultureInfo.InvariantCulture)].ToString(CultureInfo.InvariantCulture))).Append('\n');
            }
            else if (line.StartsWith("threshold=", StringComparison.Ordinal))
            {
                var decisions = DecisionTypes(lines, n);
                var thresholds = Values(line);
                result.Append("threshold=").AppendJoin(' ', thresholds.Select((t, i) => (decisions[i] & 1) == 1 ? t : FloatAtMost(t))).Append('\n');
            }
            else
            {
                result.Append(line).Append('\n');
            }
        }

        return result.ToString();

        static string[] Values(string line) => line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // The decision_type line of the tree whose threshold line is at index n (same tree: before the next blank line).
        static int[] DecisionTypes(string[] lines, int n)
        {
            for (var i = n + 1; i < lines.Length && lines[i].Trim().Length > 0; i++)
            {
                if (lines[i].StartsWith("decision_type=", StringComparison.Ordinal))
                {
                    return [.. Values(lines[i]).Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
                }
            }

            throw new LightGbmException("LightGBM's model text has a tree with thresholds and no decision_type line.");
        }
    }

    /// <summary>The largest float not above the double <paramref name="threshold"/>, written so it parses back to that float.</summary>
    internal static string FloatAtMost(string threshold)
    {
        // LightGBM writes infinities as "inf"/"-inf" (and ML.NET's reader expects that spelling).
        if (!double.TryParse(threshold, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return threshold;
        }

        var single = (float)value;
        if (single > value)
        {
            single = MathF.BitDecrement(single);
        }

        return ((double)single).ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The booster's predictions for the first rows of <paramref name="matrix"/>: raw scores, or for multiclass the class
    /// probabilities (what ML.NET's <c>Score</c> column holds for the same model).</summary>
    public double[] Predict(LightGbmMatrix matrix, int rows)
    {
        var predictType = _task == TrainingTask.MulticlassClassification ? LightGbmNative.PredictNormal : LightGbmNative.PredictRawScore;
        return _booster.Predict(matrix.RowValues[..(rows * matrix.Columns)], matrix.Columns, OutputsPerRow, predictType, Iterations);
    }

    /// <summary>The layout the model's columns follow.</summary>
    public LightGbmFeatureLayout Layout => _layout;

    /// <inheritdoc />
    public void Dispose()
    {
        _booster.Dispose();
        _valid?.Dispose();
        _train.Dispose();
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
