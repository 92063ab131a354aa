using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace Pipelines.Components;

/// <summary>
/// The eval metric after every boosting iteration of a GBDT that ML.NET's own trainers fitted (FastTree, and LightGBM through
/// ML.NET's trainer), which report none: the trained trees are replayed over the eval sample one at a time with
/// <see cref="TreeEnsembleFastPath"/> (checked against ML.NET's predictor when it is built), the running score after tree k being
/// what the model would score had boosting stopped there. Binary: <c>binary_logloss</c> (natural log, LightGBM's name and
/// definition) of the model's own Platt probability of that score; regression: <c>l2</c> (mean squared error). Both trainers
/// fit one tree per iteration for these tasks. Multiclass (LightGBM through ML.NET's trainer, one tree per class per iteration,
/// kept by ML.NET as one ensemble per class): <c>multi_logloss</c> of the model's own class probabilities from the classes'
/// running scores (ML.NET's formula for the objective it chose: the softmax of the scores for <c>multiclass</c>, the classes'
/// Platt probabilities normalized to sum 1 for <c>multiclassova</c>, which it picks for small splits), used only when the last
/// iteration's probabilities reproduce the model's own scores on the rows replayed.
/// </summary>
/// <remarks>Rows with a missing (NaN) feature are left out: the compiled trees do not score them (ML.NET substitutes per-node
/// defaults its API does not expose). Ranking models are not replayed (their metric needs the query groups; the C API engine
/// reports it from LightGBM itself).</remarks>
internal static class IterationReplay
{
    /// <summary>The most class probabilities (classes × iterations × rows) a multiclass replay computes.</summary>
    private const double MaxMulticlassProbabilities = 200_000_000;

    /// <summary>LightGBM's clamp of probabilities in <c>binary_logloss</c>.</summary>
    private const double Epsilon = 1e-15;

    /// <summary>The metric per iteration on the first <paramref name="maxRows"/> rows of <paramref name="evalPrepared"/>, or null
    /// with the reason.</summary>
    /// <param name="predictor">The fitted prediction transformer (reads <paramref name="featureColumn"/>).</param>
    /// <param name="evalPrepared">The eval split after label preparation (<see cref="LabelPreparation.LabelColumn"/>: bool for
    /// binary, float for regression).</param>
    /// <param name="featureColumn">The feature vector column.</param>
    /// <param name="task">The task.</param>
    /// <param name="maxRows">The most rows to read.</param>
    /// <param name="why">Why there is no result.</param>
    /// <param name="cancellationToken">Checked every 4,096 rows.</param>
    public static IterationMetrics? Compute(ITransformer predictor, IDataView evalPrepared, string featureColumn, TrainingTask task, long maxRows,
        out string why, CancellationToken cancellationToken)
    {
        if (task == TrainingTask.MulticlassClassification)
        {
            return ComputeMulticlass(predictor, evalPrepared, featureColumn, maxRows, out why, cancellationToken);
        }

        if (task is not (TrainingTask.BinaryClassification or TrainingTask.Regression))
        {
            why = $"{task} models are not replayed per iteration";
            return null;
        }

        if (TreeEnsembleFastPath.TryCreate(predictor, evalPrepared.Schema, out var reason) is not { } fast)
        {
            why = reason;
            return null;
        }

        var binary = task == TrainingTask.BinaryClassification;
        if (fast.IsBinary != binary || fast.FeatureColumn != featureColumn)
        {
            why = $"the predictor is not a {task} GBDT on '{featureColumn}'";
            return null;
        }

        var trees = fast.Trees;
        var sums = new double[trees.TreeCount];
        var running = new double[trees.TreeCount];
        var dense = new float[trees.FeatureCount];
        var positive = new int[trees.FeatureCount];
        long rows = 0;
        var feature = evalPrepared.Schema[featureColumn];
        var label = evalPrepared.Schema[LabelPreparation.LabelColumn];
        using (var cursor = evalPrepared.GetRowCursor([feature, label]))
        {
            var features = cursor.GetGetter<VBuffer<float>>(feature);
            var readLabel = LabelGetter(cursor, label);
            var vector = default(VBuffer<float>);
            long read = 0;
            while (read < maxRows && cursor.MoveNext())
            {
                if ((++read & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var y = readLabel();
                features(ref vector);
                if (double.IsNaN(y) || !TreeEnsembleFastPath.TryScatter(vector, dense, positive, out var on))
                {
                    continue;
                }

                trees.EvaluateRunning(dense, positive.AsSpan(0, on), running);
                for (var t = 0; t < running.Length; t++)
                {
                    // The model's score is a float; the probability is its calibrator's of that float.
                    var score = (float)running[t];
                    sums[t] += binary ? LogLoss(y, fast.Probability(score)) : (y - score) * (y - score);
                }

                rows++;
            }
        }

        if (rows == 0)
        {
            why = "the eval sample has no row with a label and without a missing feature";
            return null;
        }

        why = "";
        return new IterationMetrics(binary ? "binary_logloss" : "l2", rows, [.. sums.Select(s => s / rows)]);
    }

    /// <summary>Multiclass: see the class summary.</summary>
    private static IterationMetrics? ComputeMulticlass(ITransformer predictor, IDataView evalPrepared, string featureColumn, long maxRows, out string why,
        CancellationToken cancellationToken)
    {
        const int CheckedRows = 200;
        if (TransformerSteps.Flatten(predictor).LastOrDefault() is not MulticlassPredictionTransformer<OneVersusAllModelParameters> last
            || last.FeatureColumnName != featureColumn)
        {
            why = $"the predictor is not a one-versus-all GBDT on '{featureColumn}'";
            return null;
        }

        if (evalPrepared.Schema[featureColumn].Type is not VectorDataViewType { Size: > 0 and var featureCount }
            || Classes(last.Model) is not ({ Length: > 1 } ensembles, var calibrators, var softmax))
        {
            why = "the model's per-class tree ensembles (and how it turns their scores into probabilities) are not reachable in this ML.NET version";
            return null;
        }

        var classes = new CompiledTreeEnsemble[ensembles.Length];
        for (var c = 0; c < ensembles.Length; c++)
        {
            if (CompiledTreeEnsemble.TryCreate(ensembles[c], featureCount) is not { } compiled || (c > 0 && compiled.TreeCount != classes[0].TreeCount))
            {
                why = "the classes' tree ensembles differ in length or read features beyond the feature vector";
                return null;
            }

            classes[c] = compiled;
        }

        var iterations = classes[0].TreeCount;
        var rowsToRead = Math.Min(maxRows, evalPrepared.GetRowCount() ?? maxRows);
        if ((double)classes.Length * iterations * rowsToRead > MaxMulticlassProbabilities)
        {
            // A probability per class, iteration and row: 3 classes × 100 iterations × 20,000 rows is 6M; 100 classes × 1,000
            // iterations would take seconds of exp() for a log line.
            why = string.Create(CultureInfo.InvariantCulture,
                $"{classes.Length} classes × {iterations} iterations × {rowsToRead} rows is more than the {MaxMulticlassProbabilities:N0} class probabilities the replay computes (lower TrainingLogEvalRows)");
            return null;
        }

        var running = classes.Select(_ => new double[iterations]).ToArray();
        var sums = new double[iterations];
        var dense = new float[featureCount];
        var positive = new int[featureCount];
        var final = new List<(long Row, float[] Probabilities)>();
        var logits = new double[classes.Length];
        long rows = 0;
        var feature = evalPrepared.Schema[featureColumn];
        var label = evalPrepared.Schema[LabelPreparation.LabelColumn];
        if (label.Type is not KeyDataViewType)
        {
            why = $"the prepared label is {label.Type}, not the key of a class";
            return null;
        }

        using (var cursor = evalPrepared.GetRowCursor([feature, label]))
        {
            var features = cursor.GetGetter<VBuffer<float>>(feature);
            var readLabel = cursor.GetGetter<uint>(label);
            var vector = default(VBuffer<float>);
            uint key = 0;
            long read = 0;
            while (read < maxRows && cursor.MoveNext())
            {
                if ((++read & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                readLabel(ref key);
                features(ref vector);
                if (key == 0 || key > classes.Length || !TreeEnsembleFastPath.TryScatter(vector, dense, positive, out var on))
                {
                    continue;
                }

                for (var c = 0; c < classes.Length; c++)
                {
                    classes[c].EvaluateRunning(dense, positive.AsSpan(0, on), running[c]);
                }

                for (var t = 0; t < iterations; t++)
                {
                    for (var c = 0; c < classes.Length; c++)
                    {
                        logits[c] = running[c][t];
                    }

                    if (softmax)
                    {
                        Softmax(logits);
                    }
                    else
                    {
                        Normalize(logits, calibrators);
                    }

                    var p = logits[key - 1];
                    sums[t] += -Math.Log(p > Epsilon ? p : Epsilon);
                }

                if (final.Count < CheckedRows)
                {
                    final.Add((read - 1, [.. logits.Select(l => (float)l)]));
                }

                rows++;
            }
        }

        if (rows == 0)
        {
            why = "the eval sample has no row with a label and without a missing feature";
            return null;
        }

        if (Mismatch(last, evalPrepared, final) is { } mismatch)
        {
            why = $"replaying the per-class trees does not reproduce the model's scores ({mismatch})";
            return null;
        }

        why = "";
        return new IterationMetrics("multi_logloss", rows, [.. sums.Select(s => s / rows)]);
    }

    /// <summary>
    /// The ensemble and calibrator of each class of a one-versus-all GBDT, and whether its output is the softmax of the scores
    /// (else the calibrated probabilities normalized). ML.NET keeps the per-class predictors and the formula in a non-public
    /// member, read by reflection as the Evaluator's explainer does; null when it is not there or not a GBDT.
    /// </summary>
    private static (RegressionTreeEnsemble[] Ensembles, PlattCalibrator?[] Calibrators, bool Softmax)? Classes(OneVersusAllModelParameters model)
    {
        const BindingFlags members = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        var impl = typeof(OneVersusAllModelParameters).GetField("_impl", members)?.GetValue(model);
        if ((impl?.GetType().GetProperty("Predictors", members)?.GetValue(impl) ?? impl?.GetType().GetField("Predictors", members)?.GetValue(impl)) is not Array predictors)
        {
            return null;
        }

        var softmax = impl!.GetType().Name.Contains("Softmax", StringComparison.Ordinal);
        var ensembles = new RegressionTreeEnsemble[predictors.Length];
        var calibrators = new PlattCalibrator?[predictors.Length];
        for (var c = 0; c < predictors.Length; c++)
        {
            var predictor = predictors.GetValue(c);
            calibrators[c] = predictor is null ? null : Member(predictor, "Calibrator") as PlattCalibrator;
            while (predictor is not null and not TreeEnsembleModelParametersBasedOnRegressionTree)
            {
                predictor = Member(predictor, "SubModel");
            }

            if (predictor is not TreeEnsembleModelParametersBasedOnRegressionTree trees || (!softmax && calibrators[c] is null))
            {
                return null;
            }

            ensembles[c] = trees.TrainedTreeEnsemble;
        }

        return (ensembles, calibrators, softmax);
    }

    /// <summary>The classes' Platt probabilities, normalized to sum 1 (ML.NET's one-versus-all probability normalization).</summary>
    private static void Normalize(Span<double> scores, PlattCalibrator?[] calibrators)
    {
        var sum = 0d;
        for (var c = 0; c < scores.Length; c++)
        {
            scores[c] = Math.Max(0, calibrators[c]!.PredictProbability((float)scores[c]));
            sum += scores[c];
        }

        for (var c = 0; c < scores.Length; c++)
        {
            scores[c] = sum > 0 ? scores[c] / sum : 1d / scores.Length;
        }
    }

    /// <summary>A calibrated predictor's <c>SubModel</c> or <c>Calibrator</c> (calibrated models redeclare them down their
    /// hierarchy: the most derived declaration), or null.</summary>
    private static object? Member(object predictor, string name)
    {
        for (var type = predictor.GetType(); type is not null; type = type.BaseType)
        {
            if (type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly) is { } property)
            {
                return property.GetValue(predictor);
            }
        }

        return null;
    }

    /// <summary>The first replayed row whose last-iteration probabilities differ from the model's Score vector, or null.</summary>
    private static string? Mismatch(MulticlassPredictionTransformer<OneVersusAllModelParameters> model, IDataView evalPrepared, List<(long Row, float[] Probabilities)> replayed)
    {
        var scored = model.Transform(evalPrepared);
        var score = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([score]);
        var get = cursor.GetGetter<VBuffer<float>>(score);
        var vector = default(VBuffer<float>);
        long row = -1;
        foreach (var (target, expected) in replayed)
        {
            while (row < target && cursor.MoveNext())
            {
                row++;
            }

            get(ref vector);
            var actual = vector.DenseValues().ToArray();
            if (actual.Length != expected.Length)
            {
                return $"row {target}: {actual.Length} scores for {expected.Length} classes";
            }

            for (var c = 0; c < actual.Length; c++)
            {
                if (Math.Abs(actual[c] - expected[c]) > 1e-5 + (1e-4 * Math.Abs(actual[c])))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"row {target}, class {c}: model {actual[c]:R}, replayed {expected[c]:R}");
                }
            }
        }

        return null;
    }

    private static void Softmax(Span<double> logits)
    {
        var max = double.NegativeInfinity;
        foreach (var l in logits)
        {
            max = Math.Max(max, l);
        }

        var sum = 0d;
        for (var c = 0; c < logits.Length; c++)
        {
            logits[c] = Math.Exp(logits[c] - max);
            sum += logits[c];
        }

        for (var c = 0; c < logits.Length; c++)
        {
            logits[c] /= sum;
        }
    }

    private static double LogLoss(double label, double probability) => label > 0
        ? -Math.Log(probability > Epsilon ? probability : Epsilon)
        : -Math.Log(1 - probability > Epsilon ? 1 - probability : Epsilon);

    private static Func<double> LabelGetter(DataViewRowCursor cursor, DataViewSchema.Column label)
    {
        if (label.Type is BooleanDataViewType)
        {
            var get = cursor.GetGetter<bool>(label);
            var value = false;
            return () =>
            {
                get(ref value);
                return value ? 1 : 0;
            };
        }

        if (label.Type.RawType == typeof(float))
        {
            var get = cursor.GetGetter<float>(label);
            var value = 0f;
            return () =>
            {
                get(ref value);
                return value;
            };
        }

        var getDouble = cursor.GetGetter<double>(label);
        var number = 0d;
        return () =>
        {
            getDouble(ref number);
            return number;
        };
    }
}
