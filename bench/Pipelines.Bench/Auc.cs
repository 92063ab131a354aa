namespace Pipelines.Bench;

/// <summary>
/// Area under the ROC curve, computed the same way for both sides of the Trainer benchmark (so a difference is the models',
/// not the metric implementations'): the rank statistic (Mann–Whitney U) with tied scores given their average rank,
/// AUC = (Σ ranks of positives − P(P+1)/2) / (P·N).
/// </summary>
public static class Auc
{
    /// <param name="labels">1 = positive, 0 = negative.</param>
    /// <param name="scores">higher = more likely positive (probabilities or raw scores; only the order matters).</param>
    public static double Compute(ReadOnlySpan<float> labels, ReadOnlySpan<double> scores)
    {
        if (labels.Length != scores.Length)
        {
            throw new ArgumentException($"{labels.Length} labels but {scores.Length} scores.", nameof(scores));
        }

        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = scores.ToArray();
        if (keys.Any(double.IsNaN))
        {
            throw new ArgumentException("a score is NaN.", nameof(scores));
        }

        Array.Sort(keys, order);
        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < keys.Length;)
        {
            var end = start + 1;
            while (end < keys.Length && keys[end] == keys[start])
            {
                end++;
            }

            // Ranks start..end-1 (0-based) share the average 1-based rank.
            var averageRank = ((start + 1) + end) / 2.0;
            for (var i = start; i < end; i++)
            {
                if (labels[order[i]] > 0.5f)
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end;
        }

        long negatives = labels.Length - positives;
        return positives == 0 || negatives == 0
            ? double.NaN
            : (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }
}
