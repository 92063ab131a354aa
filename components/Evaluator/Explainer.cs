using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>Global feature importance (permutation on raw columns, GBDT gain) and per-prediction contributions (occlusion on
/// raw columns) of the candidate model, on a seeded sample of the eval rows.</summary>
internal static class Explainer
{
    /// <summary>Computes permutation importance and contributions on a sample of the labelled rows.</summary>
    public static (PermutationImportance? Permutation, FeatureContributions? Contributions) Explain(
        ModelScorer scorer,
        Predictions candidate,
        ColumnarTable table,
        EvaluatorOptions options,
        string labelColumn,
        List<EvaluationWarning> warnings,
        CancellationToken cancellationToken)
    {
        if (options.ExplainMaxRows <= 0)
        {
            return (null, null);
        }

        var features = Features(scorer, table, labelColumn, options.GroupColumn);
        var labelled = Enumerable.Range(0, candidate.Count).Where(r => !double.IsNaN(candidate.Labels[r])).ToArray();
        if (features.Count == 0 || labelled.Length == 0)
        {
            warnings.Add(new EvaluationWarning(EvaluationWarningKind.ExplainabilityUnavailable,
                features.Count == 0 ? "No raw input column of the model is in the eval split: no feature importance or contributions." : "No labelled eval row: no feature importance or contributions."));
            return (null, null);
        }

        var random = new Random(options.Seed);
        var sample = Sample(labelled, options.ExplainMaxRows, random);
        var sampleTable = table.Gather(sample);
        var basePredictions = scorer.Score(sampleTable);
        var permutation = Permutation(scorer, basePredictions, sampleTable, features, options, random, warnings, cancellationToken);
        var contributions = Contributions(scorer, basePredictions, sampleTable, sample, features, options.ContributionRows);
        return (permutation, contributions);
    }

    /// <summary>GBDT split-gain importance from the predictor inside the saved chain, when reachable.</summary>
    public static GainImportance Gain(ModelScorer scorer)
    {
        var predictor = TransformerSteps.Flatten(scorer.Model).OfType<ISingleFeaturePredictionTransformer<object>>().LastOrDefault();
        if (predictor is null)
        {
            return new GainImportance(false, "The saved model has no single-feature-vector predictor (ML.NET prediction transformer) to read gains from.", []);
        }

        TreeGains? gains;
        string? reason;
        try
        {
            gains = SplitGains(predictor.Model, out reason);
        }
        catch (Exception e) when (e is TargetInvocationException or AmbiguousMatchException or InvalidOperationException or NotSupportedException or InvalidCastException)
        {
            gains = null;
            reason = $"Reading gains from {predictor.Model.GetType().Name} failed: {e.Message}";
        }

        if (gains is null)
        {
            return new GainImportance(false, reason, []);
        }

        // A categorical split names the range of the categories it sends one way: credit it to the one-hot block holding it.
        var blocks = CategoricalBlocks(scorer, predictor.FeatureColumnName);
        var byBlock = new Dictionary<(int Start, int End), double>();
        foreach (var ((start, end), gain) in gains.Ranges)
        {
            var block = blocks.Find(b => b.Start <= start && end <= b.End) is var found && found != default ? found : (start, end);
            byBlock[block] = byBlock.GetValueOrDefault(block) + gain;
        }

        var size = gains.Slots.Keys.Append(-1).Max() + 1;
        size = Math.Max(size, byBlock.Keys.Select(r => r.End + 1).Append(0).Max());
        var names = SlotNames(scorer, predictor.FeatureColumnName, size);
        var entries = gains.Slots.Select(p => new FeatureGain(names[p.Key], p.Value, 0))
            .Concat(byBlock.Select(r => new FeatureGain(RangeName(names, r.Key.Start, r.Key.End), r.Value, 0) { Slots = r.Key.End - r.Key.Start + 1 }))
            .ToList();
        var total = entries.Sum(f => f.Gain);
        var features = entries.Select(f => f with { Share = total > 0 ? f.Gain / total : 0 })
            .OrderByDescending(f => f.Gain).ThenBy(f => f.Feature, StringComparer.Ordinal).ToList();
        return new GainImportance(true, null, features);
    }

    /// <summary>A categorical split's slot range by its slots' common prefix up to a dot (<c>origin_onehot</c> of
    /// <c>origin_onehot.ABE</c> … <c>origin_onehot.YUM</c>; a category may hold dots itself), else by its first and last slot.</summary>
    private static string RangeName(string[] names, int start, int end)
    {
        var common = names[start].AsSpan();
        for (var i = start + 1; i <= end; i++)
        {
            common = common[..common.CommonPrefixLength(names[i])];
        }

        var dot = common.LastIndexOf('.');
        return dot > 0 ? common[..dot].ToString() : $"{names[start]} … {names[end]}";
    }

    private static PermutationImportance? Permutation(
        ModelScorer scorer,
        Predictions basePredictions,
        ColumnarTable sampleTable,
        IReadOnlyList<int> features,
        EvaluatorOptions options,
        Random random,
        List<EvaluationWarning> warnings,
        CancellationToken cancellationToken)
    {
        var task = basePredictions.Task;
        var metric = options.ImportanceMetric is { } requested
            ? MetricNames.Resolve(task, requested, options.NdcgAt)
            : DefaultMetric(task, options.NdcgAt, basePredictions.HasProbability);
        if (metric is null)
        {
            warnings.Add(new EvaluationWarning(EvaluationWarningKind.ExplainabilityUnavailable,
                $"ImportanceMetric '{options.ImportanceMetric}' is not computed for task {task}: no permutation importance.", Metric: options.ImportanceMetric));
            return null;
        }

        if (Measure(basePredictions, metric, options.NdcgAt) is not { } value)
        {
            warnings.Add(new EvaluationWarning(EvaluationWarningKind.ExplainabilityUnavailable,
                $"{metric} is undefined on the importance sample ({sampleTable.RowCount} rows): no permutation importance. Set EvaluatorOptions.ImportanceMetric to a metric defined on the eval split.", Metric: metric));
            return null;
        }

        var lowerIsBetter = MetricNames.IsLowerBetter(metric);
        var repeats = Math.Max(1, options.PermutationRepeats);
        var result = new List<ColumnImportance>(features.Count);
        var n = sampleTable.RowCount;

        // The permutations are drawn in a fixed order (the seed decides them), then scored in parallel: each sample is small
        // enough to be scored on one core.
        var permutations = new int[features.Count * repeats][];
        for (var j = 0; j < permutations.Length; j++)
        {
            permutations[j] = [.. Enumerable.Range(0, n)];
            random.Shuffle(permutations[j]);
        }

        var permutedValues = new double[permutations.Length];
        try
        {
            Parallel.For(0, permutations.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, j =>
            {
                var f = features[j / repeats];
                var shuffled = Replace(sampleTable, f, sampleTable.Columns[f].Gather(permutations[j]));
                permutedValues[j] = Measure(scorer.Score(shuffled), metric, options.NdcgAt) ?? double.NaN;
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // The scorer's own exception (e.g. a DataValidationException the caller turns into a warning), not the wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }

        for (var fi = 0; fi < features.Count; fi++)
        {
            var f = features[fi];
            var drops = new double[repeats];
            for (var r = 0; r < repeats; r++)
            {
                var permuted = permutedValues[(fi * repeats) + r];
                drops[r] = lowerIsBetter ? permuted - value : value - permuted;
            }

            var mean = drops.Average();
            var std = Math.Sqrt(drops.Sum(d => (d - mean) * (d - mean)) / drops.Length);
            result.Add(new ColumnImportance(sampleTable.Columns[f].Name, mean, std));
        }

        return new PermutationImportance(metric, n, repeats, options.Seed, value,
            [.. result.OrderByDescending(c => c.Importance).ThenBy(c => c.Column, StringComparer.Ordinal)]);
    }

    private static FeatureContributions? Contributions(
        ModelScorer scorer,
        Predictions basePredictions,
        ColumnarTable sampleTable,
        int[] sample,
        IReadOnlyList<int> features,
        int rowCount)
    {
        var k = Math.Min(rowCount, sampleTable.RowCount);
        if (k <= 0)
        {
            return null;
        }

        // One table of k × (features + 1) rows: each explained row, then a copy per feature with that feature at its reference.
        var width = features.Count + 1;
        var rows = new int[k * width];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = i / width;
        }

        var variants = sampleTable.Gather(rows);
        var reference = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var j = 0; j < features.Count; j++)
        {
            var column = variants.Columns[features[j]];
            switch (column)
            {
                case NumericColumn numeric:
                {
                    var median = Median(((NumericColumn)sampleTable.Columns[features[j]]).Values);
                    reference[column.Name] = double.IsNaN(median) ? null : ModelScorer.Format(median);
                    for (var i = 0; i < k; i++)
                    {
                        numeric.Values[(i * width) + 1 + j] = median;
                    }

                    break;
                }

                case TextColumn text:
                {
                    var mode = Mode(((TextColumn)sampleTable.Columns[features[j]]).Codes);
                    reference[column.Name] = mode < 0 ? null : text.Dictionary[mode];
                    for (var i = 0; i < k; i++)
                    {
                        text.Codes[(i * width) + 1 + j] = mode;
                    }

                    break;
                }
            }
        }

        var scored = scorer.Score(variants);
        var task = basePredictions.Task;
        var explained = new List<RowContribution>(k);
        for (var i = 0; i < k; i++)
        {
            var original = i * width;
            var predictedClass = basePredictions.Predicted[i];
            var output = scored.ExplainedOutput(original, predictedClass);
            var contributions = new List<ColumnContribution>(features.Count);
            for (var j = 0; j < features.Count; j++)
            {
                var column = sampleTable.Columns[features[j]];
                var value = column.GetValue(i) switch
                {
                    null => null,
                    double d => ModelScorer.Format(d),
                    DateTime t => t.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    var o => o.ToString(),
                };
                contributions.Add(new ColumnContribution(column.Name, value, output - scored.ExplainedOutput(original + 1 + j, predictedClass)));
            }

            explained.Add(new RowContribution(sample[i], basePredictions.LabelText(i), basePredictions.PredictionText(i), output,
                [.. contributions.OrderByDescending(c => Math.Abs(c.Contribution)).ThenBy(c => c.Column, StringComparer.Ordinal)]));
        }

        var what = task switch
        {
            EvaluationTask.BinaryClassification => basePredictions.HasProbability ? "Probability" : "Score",
            EvaluationTask.MulticlassClassification => "Probability of the predicted class",
            _ => "Score",
        };
        return new FeatureContributions("occlusion", what, reference, explained);
    }

    private static string DefaultMetric(EvaluationTask task, int ndcgAt, bool hasProbability) => task switch
    {
        EvaluationTask.BinaryClassification => MetricNames.Auc,
        EvaluationTask.MulticlassClassification => MetricNames.LogLoss,
        EvaluationTask.Regression => MetricNames.Rmse,
        _ => MetricNames.NdcgName(ndcgAt),
    };

    private static double? Measure(Predictions predictions, string metric, int ndcgAt)
    {
        var all = Enumerable.Range(0, predictions.Count).ToArray();
        return SliceMetrics.Compute(predictions, all, ndcgAt, SliceEvaluation.OverallName, SliceMetrics.CandidateRole, null, out _).Get(metric);
    }

    private static List<int> Features(ModelScorer scorer, ColumnarTable table, string labelColumn, string? groupColumn)
    {
        var inputs = scorer.InputSchema.Where(c => !c.IsHidden).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var features = new List<int>();
        for (var i = 0; i < table.Columns.Count; i++)
        {
            var name = table.Columns[i].Name;
            if (name != labelColumn && name != groupColumn && (inputs.Count == 0 || inputs.Contains(name)))
            {
                features.Add(i);
            }
        }

        return features;
    }

    private static int[] Sample(int[] rows, int max, Random random)
    {
        if (rows.Length <= max)
        {
            return rows;
        }

        var copy = (int[])rows.Clone();
        for (var i = 0; i < max; i++)
        {
            var j = random.Next(i, copy.Length);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }

        var sample = copy[..max];
        Array.Sort(sample);
        return sample;
    }

    private static ColumnarTable Replace(ColumnarTable table, int index, Column column)
    {
        var columns = table.Columns.ToArray();
        columns[index] = column;
        return new ColumnarTable(columns);
    }

    private static double Median(double[] values)
    {
        var present = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return present.Length == 0 ? double.NaN
            : present.Length % 2 == 1 ? present[present.Length / 2]
            : (present[(present.Length / 2) - 1] + present[present.Length / 2]) / 2;
    }

    private static int Mode(int[] codes)
    {
        var counts = new Dictionary<int, int>();
        foreach (var c in codes)
        {
            if (c >= 0)
            {
                counts[c] = counts.GetValueOrDefault(c) + 1;
            }
        }

        return counts.Count == 0 ? -1 : counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key).First().Key;
    }

    // Tree ensembles expose gains through GetFeatureWeights. Calibrated binary models wrap the ensemble (SubModel); LightGBM
    // multiclass models are one-versus-all over per-class ensembles that ML.NET keeps in a non-public field, read by reflection
    // (if ML.NET renames it, gains are reported unavailable rather than failing the evaluation).
    /// <summary>
    /// The split gains of a tree ensemble summed per slot of the feature vector (numerical splits) and per slot range
    /// (categorical splits: LightGBM's split on a one-hot block collapsed to one categorical column), over the trees of every
    /// class of a multiclass model. Not ML.NET's <c>GetFeatureWeights</c>: it returns square roots of the gains scaled to the
    /// largest, and drops categorical splits, so the flights airports looked unused while they are split on most.
    /// </summary>
    private static TreeGains? SplitGains(object model, out string? reason)
    {
        reason = null;
        switch (model)
        {
            case TreeEnsembleModelParametersBasedOnRegressionTree ensemble:
                return Sum(ensemble.TrainedTreeEnsemble.Trees);

            case TreeEnsembleModelParametersBasedOnQuantileRegressionTree forest:
                return Sum(forest.TrainedTreeEnsemble.Trees);

            case OneVersusAllModelParameters ova:
            {
                var impl = typeof(OneVersusAllModelParameters).GetField("_impl", BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(ova);
                const BindingFlags members = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
                var predictors = (impl?.GetType().GetProperty("Predictors", members)?.GetValue(impl)
                    ?? impl?.GetType().GetField("Predictors", members)?.GetValue(impl)) as Array;
                if (predictors is null)
                {
                    reason = "The one-versus-all model's per-class predictors are not reachable in this ML.NET version.";
                    return null;
                }

                var sum = new TreeGains();
                foreach (var p in predictors)
                {
                    if (p is null || SplitGains(p, out reason) is not { } classGains)
                    {
                        return null;
                    }

                    foreach (var (slot, gain) in classGains.Slots)
                    {
                        sum.Slots[slot] = sum.Slots.GetValueOrDefault(slot) + gain;
                    }

                    foreach (var (range, gain) in classGains.Ranges)
                    {
                        sum.Ranges[range] = sum.Ranges.GetValueOrDefault(range) + gain;
                    }
                }

                return sum;
            }

            default:
            {
                // Calibrated models redeclare SubModel down their hierarchy: take the most derived declaration.
                for (var type = model.GetType(); type is not null; type = type.BaseType)
                {
                    if (type.GetProperty("SubModel", BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)?.GetValue(model) is { } sub)
                    {
                        return SplitGains(sub, out reason);
                    }
                }

                reason = $"The predictor {model.GetType().Name} is not a tree ensemble: it has no split gains.";
                return null;
            }
        }

        static TreeGains Sum(IEnumerable<RegressionTreeBase> trees)
        {
            var gains = new TreeGains();
            foreach (var tree in trees)
            {
                for (var node = 0; node < tree.NumberOfNodes; node++)
                {
                    var gain = tree.SplitGains[node];
                    if (tree.CategoricalSplitFlags[node])
                    {
                        var range = tree.GetCategoricalCategoricalSplitFeatureRangeAt(node);
                        var key = (range[0], range[1]);
                        gains.Ranges[key] = gains.Ranges.GetValueOrDefault(key) + gain;
                    }
                    else
                    {
                        var slot = tree.NumericalSplitFeatureIndexes[node];
                        gains.Slots[slot] = gains.Slots.GetValueOrDefault(slot) + gain;
                    }
                }
            }

            return gains;
        }
    }

    /// <summary>Summed split gains: per numerically split slot, and per categorically split slot range (first, last).</summary>
    private sealed class TreeGains
    {
        public SortedDictionary<int, double> Slots { get; } = [];

        public Dictionary<(int Start, int End), double> Ranges { get; } = [];
    }

    /// <summary>The feature vector's one-hot blocks (first and last slot), from ML.NET's <c>CategoricalSlotRanges</c> annotation.</summary>
    private static List<(int Start, int End)> CategoricalBlocks(ModelScorer scorer, string featureColumn)
    {
        var blocks = new List<(int Start, int End)>();
        var schema = scorer.Model.GetOutputSchema(scorer.InputSchema);
        if (schema.GetColumnOrNull(featureColumn) is { } column
            && column.Annotations.Schema.GetColumnOrNull("CategoricalSlotRanges") is { Type: VectorDataViewType { ItemType: var item } } annotation
            && item == NumberDataViewType.Int32)
        {
            VBuffer<int> ranges = default;
            column.Annotations.GetValue(annotation.Name, ref ranges);
            var values = ranges.DenseValues().ToArray();
            for (var i = 0; i + 1 < values.Length; i += 2)
            {
                blocks.Add((values[i], values[i + 1]));
            }
        }

        return blocks;
    }

    private static string[] SlotNames(ModelScorer scorer, string featureColumn, int size)
    {
        var names = Enumerable.Range(0, size).Select(i => $"f{i}").ToArray();
        var schema = scorer.Model.GetOutputSchema(scorer.InputSchema);
        if (schema.GetColumnOrNull(featureColumn) is { } column
            && column.Annotations.Schema.GetColumnOrNull("SlotNames") is { Type: VectorDataViewType { ItemType: TextDataViewType } })
        {
            VBuffer<ReadOnlyMemory<char>> slots = default;
            column.GetSlotNames(ref slots);
            var i = 0;
            foreach (var s in slots.DenseValues())
            {
                if (i < size && !s.IsEmpty)
                {
                    names[i] = s.ToString();
                }

                i++;
            }
        }

        return names;
    }
}
