namespace Pipelines.Components;

/// <summary>
/// The metric formulas the <see cref="Evaluator"/> uses, on plain arrays. Each returns <see cref="double.NaN"/> when the metric
/// is undefined for its input (the Evaluator turns that into a named warning). Conventions are ML.NET's where ML.NET has the
/// metric, except that log-losses use the natural logarithm (ML.NET's binary log-loss is in bits).
/// </summary>
public static class EvaluationMetrics
{
    /// <summary>Probabilities are clipped to [<c>ProbabilityEpsilon</c>, 1] before taking logs.</summary>
    public const double ProbabilityEpsilon = 1e-15;

    /// <summary>Area under the ROC curve: the probability that a random positive scores above a random negative, ties
    /// counting one half (Mann-Whitney). NaN when either class is absent.</summary>
    public static double Auc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels) => Auc(scores, labels, null);

    /// <summary><see cref="Auc(ReadOnlySpan{double}, ReadOnlySpan{bool})"/> with the rows' ascending score order when the caller has it
    /// (<see cref="AscendingOrder"/>; several metrics of one slice share one sort).</summary>
    internal static double Auc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, int[]? ascending)
    {
        CheckLengths(scores.Length, labels.Length);
        var order = ascending ?? SortedAscending(scores);
        long positives = 0;
        double positiveRankSum = 0;
        var i = 0;
        while (i < order.Length)
        {
            // A group of tied scores shares the mean of its 1-based ranks.
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            var meanRank = (i + j + 2) / 2.0;
            for (var k = i; k <= j; k++)
            {
                if (labels[order[k]])
                {
                    positives++;
                    positiveRankSum += meanRank;
                }
            }

            i = j + 1;
        }

        long negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    /// <summary>Area under the precision-recall curve: points (recall, precision) after each distinct score from the highest,
    /// joined by trapezoids, the first point extended to recall 0 (ML.NET's convention). NaN without positives.</summary>
    public static double AreaUnderPrecisionRecall(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels) => AreaUnderPrecisionRecall(scores, labels, null);

    /// <summary><see cref="AreaUnderPrecisionRecall(ReadOnlySpan{double}, ReadOnlySpan{bool})"/> with the rows' ascending score order.</summary>
    internal static double AreaUnderPrecisionRecall(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, int[]? ascending)
    {
        CheckLengths(scores.Length, labels.Length);
        long positives = 0;
        foreach (var l in labels)
        {
            positives += l ? 1 : 0;
        }

        if (positives == 0)
        {
            return double.NaN;
        }

        var order = ascending ?? SortedAscending(scores);
        long tp = 0;
        long fp = 0;
        double area = 0;
        double previousRecall = 0;
        double previousPrecision = double.NaN;
        var i = order.Length - 1;
        while (i >= 0)
        {
            var j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]])
            {
                j--;
            }

            for (var k = j; k <= i; k++)
            {
                if (labels[order[k]])
                {
                    tp++;
                }
                else
                {
                    fp++;
                }
            }

            var recall = (double)tp / positives;
            var precision = (double)tp / (tp + fp);
            if (double.IsNaN(previousPrecision))
            {
                previousPrecision = precision;
            }

            area += (recall - previousRecall) * (precision + previousPrecision) / 2;
            previousRecall = recall;
            previousPrecision = precision;
            i = j - 1;
        }

        return area;
    }

    /// <summary>Mean of <c>-ln p</c>, where p is the probability given to the true class. NaN for no rows.</summary>
    public static double BinaryLogLoss(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> labels)
    {
        CheckLengths(probabilities.Length, labels.Length);
        if (labels.Length == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            sum -= Math.Log(Clip(labels[i] ? probabilities[i] : 1 - probabilities[i]));
        }

        return sum / labels.Length;
    }

    /// <summary>The confusion counts of binary predictions.</summary>
    public static BinaryCounts CountBinary(ReadOnlySpan<bool> predicted, ReadOnlySpan<bool> labels)
    {
        CheckLengths(predicted.Length, labels.Length);
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            switch (predicted[i], labels[i])
            {
                case (true, true): tp++; break;
                case (true, false): fp++; break;
                case (false, false): tn++; break;
                default: fn++; break;
            }
        }

        return new BinaryCounts(tp, fp, tn, fn);
    }

    /// <summary>Mean of <c>-ln p</c>, where p is the score of the true class (<paramref name="classScores"/> holds
    /// <paramref name="scoreCount"/> values per row); a label at or beyond <paramref name="scoreCount"/> (a class the model does
    /// not know) counts as probability 0 (clipped). NaN for no rows.</summary>
    public static double MulticlassLogLoss(ReadOnlySpan<double> classScores, int scoreCount, ReadOnlySpan<int> labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scoreCount);
        CheckLengths(classScores.Length, labels.Length * scoreCount);
        if (labels.Length == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var p = labels[i] < scoreCount ? classScores[(i * scoreCount) + labels[i]] : 0;
            sum -= Math.Log(Clip(p));
        }

        return sum / labels.Length;
    }

    /// <summary>The confusion matrix of class indices in [0, <paramref name="classCount"/>): <c>[true][predicted]</c>.</summary>
    public static long[][] Confusion(ReadOnlySpan<int> predicted, ReadOnlySpan<int> labels, int classCount)
    {
        CheckLengths(predicted.Length, labels.Length);
        var counts = new long[classCount][];
        for (var c = 0; c < classCount; c++)
        {
            counts[c] = new long[classCount];
        }

        for (var i = 0; i < labels.Length; i++)
        {
            counts[labels[i]][predicted[i]]++;
        }

        return counts;
    }

    /// <summary>Share of rows on the diagonal of a confusion matrix. NaN when empty.</summary>
    public static double MicroAccuracy(long[][] confusion)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        long correct = 0, total = 0;
        for (var c = 0; c < confusion.Length; c++)
        {
            correct += confusion[c][c];
            total += confusion[c].Sum();
        }

        return total == 0 ? double.NaN : (double)correct / total;
    }

    /// <summary>Mean recall over the classes present in the labels (ML.NET's macro accuracy). NaN when empty.</summary>
    public static double MacroAccuracy(long[][] confusion)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        double sum = 0;
        var present = 0;
        for (var c = 0; c < confusion.Length; c++)
        {
            var support = confusion[c].Sum();
            if (support > 0)
            {
                sum += (double)confusion[c][c] / support;
                present++;
            }
        }

        return present == 0 ? double.NaN : sum / present;
    }

    /// <summary>Precision of class <paramref name="c"/>: NaN when it is never predicted.</summary>
    public static double ClassPrecision(long[][] confusion, int c)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        long predicted = 0;
        foreach (var row in confusion)
        {
            predicted += row[c];
        }

        return predicted == 0 ? double.NaN : (double)confusion[c][c] / predicted;
    }

    /// <summary>Recall of class <paramref name="c"/>: NaN when it has no row.</summary>
    public static double ClassRecall(long[][] confusion, int c)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        var support = confusion[c].Sum();
        return support == 0 ? double.NaN : (double)confusion[c][c] / support;
    }

    /// <summary>Root mean squared error. NaN for no rows.</summary>
    public static double Rmse(ReadOnlySpan<double> predictions, ReadOnlySpan<double> labels)
    {
        CheckLengths(predictions.Length, labels.Length);
        if (labels.Length == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var d = predictions[i] - labels[i];
            sum += d * d;
        }

        return Math.Sqrt(sum / labels.Length);
    }

    /// <summary>Mean absolute error. NaN for no rows.</summary>
    public static double Mae(ReadOnlySpan<double> predictions, ReadOnlySpan<double> labels)
    {
        CheckLengths(predictions.Length, labels.Length);
        if (labels.Length == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            sum += Math.Abs(predictions[i] - labels[i]);
        }

        return sum / labels.Length;
    }

    /// <summary>R² = 1 - SS_res / SS_tot. NaN for no rows or a constant label (SS_tot = 0).</summary>
    public static double RSquared(ReadOnlySpan<double> predictions, ReadOnlySpan<double> labels)
    {
        CheckLengths(predictions.Length, labels.Length);
        if (labels.Length == 0)
        {
            return double.NaN;
        }

        double mean = 0;
        foreach (var y in labels)
        {
            mean += y;
        }

        mean /= labels.Length;
        double residual = 0, total = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            residual += (labels[i] - predictions[i]) * (labels[i] - predictions[i]);
            total += (labels[i] - mean) * (labels[i] - mean);
        }

        return total == 0 ? double.NaN : 1 - (residual / total);
    }

    /// <summary>
    /// Mean NDCG@<paramref name="k"/> over groups (ML.NET's convention): gain of relevance l is 0 for l &lt;= 0, else
    /// 2^(l+1) - 1 (ML.NET's default gains 0, 3, 7, 15, 31, ...); discount 1 / ln(position + 1); a group without any relevant
    /// row scores 0. Rows of a group need not be contiguous. NaN for no rows.
    /// </summary>
    public static double Ndcg(ReadOnlySpan<double> scores, ReadOnlySpan<double> relevance, ReadOnlySpan<int> groups, int k)
    {
        CheckLengths(scores.Length, relevance.Length);
        CheckLengths(groups.Length, relevance.Length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (relevance.Length == 0)
        {
            return double.NaN;
        }

        var byGroup = new Dictionary<int, List<int>>();
        for (var i = 0; i < groups.Length; i++)
        {
            if (!byGroup.TryGetValue(groups[i], out var rows))
            {
                byGroup[groups[i]] = rows = [];
            }

            rows.Add(i);
        }

        double sum = 0;
        var scoreArray = scores.ToArray();
        var relevanceArray = relevance.ToArray();
        foreach (var rows in byGroup.Values)
        {
            var ranked = rows.OrderByDescending(r => scoreArray[r]).ThenBy(r => r).Select(r => relevanceArray[r]);
            var ideal = rows.Select(r => relevanceArray[r]).OrderDescending();
            var max = Dcg(ideal, k);
            sum += max > 0 ? Dcg(ranked, k) / max : 0;
        }

        return sum / byGroup.Count;
    }

    private static double Dcg(IEnumerable<double> relevanceInOrder, int k)
    {
        double dcg = 0;
        var position = 0;
        foreach (var l in relevanceInOrder.Take(k))
        {
            var gain = l <= 0 ? 0 : Math.Pow(2, l + 1) - 1;
            dcg += gain / Math.Log(position + 2);
            position++;
        }

        return dcg;
    }

    private static double Clip(double p) => double.IsNaN(p) ? ProbabilityEpsilon : Math.Clamp(p, ProbabilityEpsilon, 1);

    /// <summary>Row indices ordered by ascending score.</summary>
    internal static int[] AscendingOrder(ReadOnlySpan<double> scores) => SortedAscending(scores);

    private static int[] SortedAscending(ReadOnlySpan<double> scores)
    {
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = scores.ToArray();
        Array.Sort(keys, order);
        return order;
    }

    private static void CheckLengths(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"Lengths differ: {a} and {b}.");
        }
    }
}

/// <summary>Confusion counts of a binary classifier.</summary>
/// <param name="TruePositives">Predicted positive, labelled positive.</param>
/// <param name="FalsePositives">Predicted positive, labelled negative.</param>
/// <param name="TrueNegatives">Predicted negative, labelled negative.</param>
/// <param name="FalseNegatives">Predicted negative, labelled positive.</param>
public sealed record BinaryCounts(long TruePositives, long FalsePositives, long TrueNegatives, long FalseNegatives)
{
    /// <summary>All rows.</summary>
    public long Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    /// <summary>Share correct; NaN for no rows.</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)(TruePositives + TrueNegatives) / Total;

    /// <summary>TP / (TP + FP); NaN when nothing is predicted positive.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? double.NaN : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN); NaN without positive labels.</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? double.NaN : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>2PR / (P + R); NaN when precision or recall is; 0 when both are 0.</summary>
    public double F1 => double.IsNaN(Precision) || double.IsNaN(Recall) ? double.NaN
        : Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}
