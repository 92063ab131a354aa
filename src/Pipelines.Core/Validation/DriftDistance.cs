namespace Pipelines.Validation;

/// <summary>
/// The distances ExampleValidator compares with <see cref="DriftThresholds"/>, computed from statistics alone.
/// </summary>
public static class DriftDistance
{
    /// <summary>
    /// The L-infinity distance between two categorical distributions: each list's counts are normalized to shares of its total,
    /// and the result is the largest absolute difference of any value's share (a value absent from one side has share 0 there).
    /// 0 = identical, 1 = disjoint single values. Two empty lists give 0.
    /// </summary>
    /// <param name="current">Value counts of the current data.</param>
    /// <param name="baseline">Value counts of the baseline.</param>
    /// <param name="worstValue">The value whose share moved most, or null when both are empty.</param>
    public static double LInfinity(IReadOnlyList<ValueCount> current, IReadOnlyList<ValueCount> baseline, out string? worstValue)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(baseline);
        var p = Normalize(current);
        var q = Normalize(baseline);
        worstValue = null;
        var worst = 0.0;
        foreach (var (value, share) in p)
        {
            var d = Math.Abs(share - q.GetValueOrDefault(value));
            if (d > worst || (worstValue is null && d == worst))
            {
                worst = d;
                worstValue = value;
            }
        }

        foreach (var (value, share) in q)
        {
            if (!p.ContainsKey(value) && share > worst)
            {
                worst = share;
                worstValue = value;
            }
        }

        return worst;
    }

    /// <inheritdoc cref="LInfinity(IReadOnlyList{ValueCount}, IReadOnlyList{ValueCount}, out string?)"/>
    public static double LInfinity(IReadOnlyList<ValueCount> current, IReadOnlyList<ValueCount> baseline) =>
        LInfinity(current, baseline, out _);

    /// <summary>
    /// The Jensen–Shannon divergence (log base 2, so 0 to 1) between two numeric distributions given as histograms, as TFDV
    /// approximates it: the union of both histograms' bucket boundaries defines common cells, each bucket's count is spread
    /// over the cells it covers in proportion to their width (values assumed uniform inside a bucket; a zero-width bucket is a
    /// point mass placed in the cell that starts at, or else ends at, its value), both sides are normalized, and
    /// <c>JS(P, Q) = ½ KL(P ‖ M) + ½ KL(Q ‖ M)</c> with <c>M = ½ (P + Q)</c>. 0 = identical, 1 = disjoint supports.
    /// Two empty histograms give 0; one empty side gives 1.
    /// </summary>
    /// <param name="current">Histogram of the current data.</param>
    /// <param name="baseline">Histogram of the baseline.</param>
    public static double JensenShannon(IReadOnlyList<HistogramBucket> current, IReadOnlyList<HistogramBucket> baseline)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(baseline);
        var totalP = Total(current);
        var totalQ = Total(baseline);
        if (totalP == 0 && totalQ == 0)
        {
            return 0;
        }

        if (totalP == 0 || totalQ == 0)
        {
            return 1;
        }

        var edges = new SortedSet<double>();
        foreach (var b in current.Concat(baseline))
        {
            if (double.IsFinite(b.Low) && double.IsFinite(b.High))
            {
                edges.Add(b.Low);
                edges.Add(b.High);
            }
        }

        var boundaries = edges.ToArray();
        var cells = Math.Max(1, boundaries.Length - 1);
        var p = Spread(current, boundaries, cells, totalP);
        var q = Spread(baseline, boundaries, cells, totalQ);
        var js = 0.0;
        for (var i = 0; i < cells; i++)
        {
            var m = (p[i] + q[i]) / 2;
            if (p[i] > 0)
            {
                js += 0.5 * p[i] * Math.Log2(p[i] / m);
            }

            if (q[i] > 0)
            {
                js += 0.5 * q[i] * Math.Log2(q[i] / m);
            }
        }

        return Math.Clamp(js, 0, 1);
    }

    private static Dictionary<string, double> Normalize(IReadOnlyList<ValueCount> counts)
    {
        var total = 0L;
        foreach (var c in counts)
        {
            total += c.Count;
        }

        var shares = new Dictionary<string, double>(counts.Count, StringComparer.Ordinal);
        foreach (var c in counts)
        {
            shares[c.Value] = total == 0 ? 0 : (double)c.Count / total;
        }

        return shares;
    }

    private static long Total(IReadOnlyList<HistogramBucket> histogram)
    {
        var total = 0L;
        foreach (var b in histogram)
        {
            total += b.Count;
        }

        return total;
    }

    private static double[] Spread(IReadOnlyList<HistogramBucket> histogram, double[] boundaries, int cells, long total)
    {
        var mass = new double[cells];
        foreach (var b in histogram)
        {
            if (b.Count == 0)
            {
                continue;
            }

            var share = (double)b.Count / total;
            var width = b.High - b.Low;
            if (boundaries.Length < 2 || !(width > 0) || !double.IsFinite(width))
            {
                mass[PointCell(boundaries, cells, b.Low)] += share;
                continue;
            }

            var first = Array.BinarySearch(boundaries, b.Low);
            for (var i = Math.Max(0, first); i < cells && boundaries[i] < b.High; i++)
            {
                var overlap = Math.Min(boundaries[i + 1], b.High) - Math.Max(boundaries[i], b.Low);
                if (overlap > 0)
                {
                    mass[i] += share * overlap / width;
                }
            }
        }

        return mass;
    }

    private static int PointCell(double[] boundaries, int cells, double x)
    {
        if (boundaries.Length < 2 || double.IsNaN(x))
        {
            return 0;
        }

        var i = Array.BinarySearch(boundaries, x);
        if (i < 0)
        {
            i = ~i - 1; // the cell whose lower boundary is below x
        }

        return Math.Clamp(i, 0, cells - 1);
    }
}
