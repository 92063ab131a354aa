using Microsoft.ML;
using Microsoft.ML.Data;

namespace Pipelines.Components;

/// <summary>
/// The eval metric after every boosting iteration of a GBDT that ML.NET's own trainers fitted (FastTree, and LightGBM through
/// ML.NET's trainer), which report none: the trained trees are replayed over the eval sample one at a time with
/// <see cref="TreeEnsembleFastPath"/> (checked against ML.NET's predictor when it is built), the running score after tree k being
/// what the model would score had boosting stopped there. Binary: <c>binary_logloss</c> (natural log, LightGBM's name and
/// definition) of the model's own Platt probability of that score; regression: <c>l2</c> (mean squared error). Both trainers
/// fit one tree per iteration for these tasks.
/// </summary>
/// <remarks>Rows with a missing (NaN) feature are left out: the compiled trees do not score them (ML.NET substitutes per-node
/// defaults its API does not expose). Multiclass and ranking models are not replayed (their trees interleave classes or
/// groups; the C API engine reports those metrics from LightGBM itself).</remarks>
internal static class IterationReplay
{
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
