using System.Globalization;

namespace Pipelines.Components;

/// <summary>Computes one model's <see cref="ModelMetrics"/> on one slice, naming every metric that cannot be computed.</summary>
internal static class SliceMetrics
{
    public const string CandidateRole = "candidate";
    public const string BaselineRole = "baseline";

    /// <summary>Computes the metrics on the labelled rows of <paramref name="rows"/>.</summary>
    /// <param name="predictions">The model's predictions on the whole table.</param>
    /// <param name="rows">The slice's rows.</param>
    /// <param name="ndcgAt">NDCG truncation.</param>
    /// <param name="slice">The slice name, for warnings.</param>
    /// <param name="role"><c>candidate</c> or <c>baseline</c>.</param>
    /// <param name="warnings">Receives a <see cref="EvaluationWarningKind.MetricUndefined"/> warning per undefined metric, unless null.</param>
    /// <param name="exampleCount">The labelled rows.</param>
    public static ModelMetrics Compute(Predictions predictions, ReadOnlySpan<int> rows, int ndcgAt, string slice, string role, List<EvaluationWarning>? warnings, out long exampleCount)
    {
        var labelled = new List<int>(rows.Length);
        foreach (var r in rows)
        {
            if (!double.IsNaN(predictions.Labels[r]))
            {
                labelled.Add(r);
            }
        }

        exampleCount = labelled.Count;
        var values = new Dictionary<string, double?>(StringComparer.Ordinal) { [MetricNames.ExampleCount] = labelled.Count };
        var context = new Context(values, slice, role, warnings);
        return predictions.Task switch
        {
            EvaluationTask.BinaryClassification => Binary(predictions, labelled, context),
            EvaluationTask.MulticlassClassification => Multiclass(predictions, labelled, context),
            EvaluationTask.Regression => Regression(predictions, labelled, context),
            _ => Ranking(predictions, labelled, ndcgAt, context),
        };
    }

    private static ModelMetrics Binary(Predictions p, List<int> rows, Context c)
    {
        var n = rows.Count;
        var labels = new bool[n];
        var predicted = new bool[n];
        var scores = new double[n];
        var probabilities = new double[n];
        var positives = 0;
        for (var i = 0; i < n; i++)
        {
            var r = rows[i];
            labels[i] = p.Labels[r] > 0;
            positives += labels[i] ? 1 : 0;
            predicted[i] = p.Predicted[r] == 1;
            scores[i] = p.Scores[r];
            probabilities[i] = p.Probabilities[r];
        }

        var empty = n == 0 ? "the slice has no labelled rows" : null;
        var singleClass = positives == 0 || positives == n
            ? empty ?? $"the slice has a single class: all {n} labels are {(positives == 0 ? "negative" : "positive")}"
            : null;

        // The probability orders rows like the score and is what users look at; use the score when there is none.
        var ranking = p.HasProbability ? probabilities : scores;
        var order = EvaluationMetrics.AscendingOrder(ranking);
        c.Set(MetricNames.Auc, EvaluationMetrics.Auc(ranking, labels, order), singleClass);
        c.Set(MetricNames.Auprc, EvaluationMetrics.AreaUnderPrecisionRecall(ranking, labels, order),
            empty ?? (positives == 0 ? $"the slice has no positive label (all {n} are negative)" : null));
        c.Set(MetricNames.LogLoss, p.HasProbability ? EvaluationMetrics.BinaryLogLoss(probabilities, labels) : double.NaN,
            !p.HasProbability ? "the model outputs no Probability column (an uncalibrated classifier)" : empty);
        var counts = EvaluationMetrics.CountBinary(predicted, labels);
        c.Set(MetricNames.Accuracy, counts.Accuracy, empty);
        var noPredictedPositive = empty ?? $"the model predicts no row of the slice as positive ({n} rows)";
        var noPositive = empty ?? $"the slice has no positive label (all {n} are negative)";
        c.Set(MetricNames.Precision, counts.Precision, noPredictedPositive);
        c.Set(MetricNames.Recall, counts.Recall, noPositive);
        c.Set(MetricNames.F1, counts.F1, double.IsNaN(counts.Precision) ? noPredictedPositive : noPositive);
        return new ModelMetrics(c.Values);
    }

    private static ModelMetrics Multiclass(Predictions p, List<int> rows, Context c)
    {
        var n = rows.Count;
        var k = p.ModelClassCount;
        var labels = new int[n];
        var predicted = new int[n];
        var scores = new double[n * k];
        for (var i = 0; i < n; i++)
        {
            var r = rows[i];
            labels[i] = (int)p.Labels[r];
            predicted[i] = p.Predicted[r];
            Array.Copy(p.ClassScores, r * k, scores, i * k, k);
        }

        var empty = n == 0 ? "the slice has no labelled rows" : null;
        var confusion = EvaluationMetrics.Confusion(predicted, labels, p.Classes.Count);
        c.Set(MetricNames.MicroAccuracy, EvaluationMetrics.MicroAccuracy(confusion), empty);
        c.Set(MetricNames.MacroAccuracy, EvaluationMetrics.MacroAccuracy(confusion), empty);
        c.Set(MetricNames.LogLoss, EvaluationMetrics.MulticlassLogLoss(scores, k, labels), empty);
        var classes = new List<ClassMetrics>(p.Classes.Count);
        for (var j = 0; j < p.Classes.Count; j++)
        {
            var name = p.Classes[j];
            var precision = EvaluationMetrics.ClassPrecision(confusion, j);
            var recall = EvaluationMetrics.ClassRecall(confusion, j);

            // Per-class gaps are common (a class absent from a slice); they are named on overall only, to keep warnings readable.
            var perClass = c.Slice == SliceEvaluation.OverallName;
            c.Set($"{MetricNames.Precision}[{name}]", precision, $"the model predicts no row of the slice as '{name}'", perClass);
            c.Set($"{MetricNames.Recall}[{name}]", recall, $"the slice has no row of class '{name}'", perClass);
            classes.Add(new ClassMetrics(name, confusion[j].Sum(), Nullable(precision), Nullable(recall)));
        }

        var matrix = new ConfusionMatrix(p.Classes, [.. confusion.Select(row => (IReadOnlyList<long>)row)]);
        return new ModelMetrics(c.Values, classes, matrix);
    }

    private static ModelMetrics Regression(Predictions p, List<int> rows, Context c)
    {
        var (predictions, labels) = Gather(p, rows);
        var empty = rows.Count == 0 ? "the slice has no labelled rows" : null;
        c.Set(MetricNames.Rmse, EvaluationMetrics.Rmse(predictions, labels), empty);
        c.Set(MetricNames.Mae, EvaluationMetrics.Mae(predictions, labels), empty);
        c.Set(MetricNames.RSquared, EvaluationMetrics.RSquared(predictions, labels),
            empty ?? $"the label is constant in the slice (all {rows.Count} values are {(labels.Length > 0 ? ModelScorer.Format(labels[0]) : "")})");
        return new ModelMetrics(c.Values);
    }

    private static ModelMetrics Ranking(Predictions p, List<int> rows, int ndcgAt, Context c)
    {
        var (scores, labels) = Gather(p, rows);
        var groups = rows.Select(r => p.Groups[r]).ToArray();
        c.Set(MetricNames.NdcgName(ndcgAt), EvaluationMetrics.Ndcg(scores, labels, groups, ndcgAt),
            rows.Count == 0 ? "the slice has no labelled rows" : null);
        return new ModelMetrics(c.Values);
    }

    private static (double[] Predictions, double[] Labels) Gather(Predictions p, List<int> rows)
    {
        var predictions = new double[rows.Count];
        var labels = new double[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            predictions[i] = p.Scores[rows[i]];
            labels[i] = p.Labels[rows[i]];
        }

        return (predictions, labels);
    }

    private static double? Nullable(double value) => double.IsFinite(value) ? value : null;

    /// <summary>The message of an undefined metric, also the reason a threshold on it fails.</summary>
    public static string UndefinedMessage(string metric, string role, string slice, string reason) =>
        $"{metric} of the {role} model on slice '{slice}' is undefined: {reason}.";

    private sealed record Context(Dictionary<string, double?> Values, string Slice, string Role, List<EvaluationWarning>? Warnings)
    {
        public void Set(string metric, double value, string? reason, bool warn = true)
        {
            if (double.IsFinite(value))
            {
                Values[metric] = value;
                return;
            }

            Values[metric] = null;
            if (warn && Warnings is not null)
            {
                var why = reason ?? $"the value is {value.ToString(CultureInfo.InvariantCulture)}";
                Warnings.Add(new EvaluationWarning(EvaluationWarningKind.MetricUndefined, UndefinedMessage(metric, Role, Slice, why), Slice, metric, Role));
            }
        }
    }
}
