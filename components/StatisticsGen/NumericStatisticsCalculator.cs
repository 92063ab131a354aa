using System.Runtime.CompilerServices;
using Pipelines.Data;
using Pipelines.Validation;

namespace Pipelines.Components;

/// <summary>
/// Numeric column statistics in three linear passes over the raw doubles, without sorting the column.
/// </summary>
/// <remarks>
/// Pass 1: count, missing, min, max, sum, zeros, integer-ness. Pass 2: squared deviations (two-pass variance, numerically
/// stable) and counts in 10 × 512 fine equal-width buckets; the 10-bucket histogram is the fine counts summed in groups of 512.
/// Pass 3: the values of the few fine buckets holding a wanted order statistic are gathered and sorted, which makes the
/// quantiles exact at O(n) cost. A column whose values crowd into one fine bucket degrades towards sorting that bucket, never
/// below sorting the whole column. Columns with an infinite value or a range too small to divide fall back to a full sort.
/// </remarks>
public static class NumericStatisticsCalculator
{
    private const int FineBucketsPerBucket = 512;
    private const int Buckets = ColumnStatisticsLimits.HistogramBuckets;
    private const int FineBuckets = Buckets * FineBucketsPerBucket;

    /// <summary>The statistics of a numeric or timestamp column.</summary>
    public static FeatureStatistics Compute(NumericColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var values = column.Values;
        long count = 0;
        long zeros = 0;
        var min = double.PositiveInfinity;
        var max = double.NegativeInfinity;
        var sum = 0.0;
        var isInteger = true;
        foreach (var x in values)
        {
            if (double.IsNaN(x))
            {
                continue;
            }

            count++;
            sum += x;
            if (x < min)
            {
                min = x;
            }

            if (x > max)
            {
                max = x;
            }

            if (x == 0)
            {
                zeros++;
            }

            if (isInteger && x != Math.Floor(x))
            {
                isInteger = false;
            }
        }

        var missing = values.Length - count;
        if (count == 0)
        {
            return new FeatureStatistics(column.Name, column.Kind, 0, missing);
        }

        isInteger &= double.IsFinite(min) && double.IsFinite(max);
        var mean = sum / count;
        NumericStatistics numeric;
        var scale = FineBuckets / (max - min);
        if (min == max)
        {
            numeric = new NumericStatistics(min, max, min, 0, zeros, isInteger, Enumerable.Repeat(min, ColumnStatisticsLimits.Quantiles).ToArray(),
                [new HistogramBucket(min, max, count)]);
        }
        else if (!double.IsFinite(max - min) || !double.IsFinite(scale))
        {
            numeric = BySorting(values, count, min, max, mean, zeros, isInteger);
        }
        else
        {
            numeric = ByBuckets(values, count, min, max, mean, scale, zeros, isInteger);
        }

        return new FeatureStatistics(column.Name, column.Kind, count, missing, numeric);
    }

    private static NumericStatistics ByBuckets(double[] values, long count, double min, double max, double mean, double scale, long zeros, bool isInteger)
    {
        var fine = new int[FineBuckets];
        var squares = 0.0;
        foreach (var x in values)
        {
            if (double.IsNaN(x))
            {
                continue;
            }

            var d = x - mean;
            squares += d * d;
            fine[FineIndex(x, min, scale)]++;
        }

        // Order statistics needed for the deciles (linear interpolation needs k and k + 1).
        var (ks, fractions) = QuantilePositions(count);
        var ranks = new SortedSet<long>();
        for (var j = 0; j < ks.Length; j++)
        {
            ranks.Add(ks[j]);
            if (fractions[j] > 0)
            {
                ranks.Add(ks[j] + 1);
            }
        }

        // Map each wanted rank to its fine bucket and the rank inside it.
        var start = new long[FineBuckets];
        long running = 0;
        for (var b = 0; b < FineBuckets; b++)
        {
            start[b] = running;
            running += fine[b];
        }

        var slotOf = new int[FineBuckets];
        Array.Fill(slotOf, -1);
        var slots = new List<double[]>();
        var rankBucket = new Dictionary<long, int>();
        var bucket = 0;
        foreach (var r in ranks)
        {
            while (start[bucket] + fine[bucket] <= r)
            {
                bucket++;
            }

            rankBucket[r] = bucket;
            if (slotOf[bucket] < 0)
            {
                slotOf[bucket] = slots.Count;
                slots.Add(new double[fine[bucket]]);
            }
        }

        var filled = new int[slots.Count];
        foreach (var x in values)
        {
            if (double.IsNaN(x))
            {
                continue;
            }

            var s = slotOf[FineIndex(x, min, scale)];
            if (s >= 0)
            {
                slots[s][filled[s]++] = x;
            }
        }

        foreach (var slot in slots)
        {
            if (!AllEqual(slot))
            {
                Array.Sort(slot);
            }
        }

        double At(long r)
        {
            var b = rankBucket[r];
            return slots[slotOf[b]][r - start[b]];
        }

        var quantiles = new double[ColumnStatisticsLimits.Quantiles];
        for (var j = 0; j < quantiles.Length; j++)
        {
            var low = At(ks[j]);
            quantiles[j] = fractions[j] > 0 ? low + (fractions[j] * (At(ks[j] + 1) - low)) : low;
        }

        quantiles[0] = min;
        quantiles[^1] = max;

        var histogram = new HistogramBucket[Buckets];
        var width = (max - min) / Buckets;
        for (var j = 0; j < Buckets; j++)
        {
            long n = 0;
            for (var b = j * FineBucketsPerBucket; b < (j + 1) * FineBucketsPerBucket; b++)
            {
                n += fine[b];
            }

            histogram[j] = new HistogramBucket(min + (j * width), j == Buckets - 1 ? max : min + ((j + 1) * width), n);
        }

        return new NumericStatistics(min, max, mean, Math.Sqrt(squares / count), zeros, isInteger, quantiles, histogram);
    }

    private static NumericStatistics BySorting(double[] values, long count, double min, double max, double mean, long zeros, bool isInteger)
    {
        var sorted = new double[count];
        var i = 0;
        var squares = 0.0;
        foreach (var x in values)
        {
            if (!double.IsNaN(x))
            {
                sorted[i++] = x;
                var d = x - mean;
                squares += d * d;
            }
        }

        Array.Sort(sorted);
        var (ks, fractions) = QuantilePositions(count);
        var quantiles = new double[ColumnStatisticsLimits.Quantiles];
        for (var j = 0; j < quantiles.Length; j++)
        {
            var low = sorted[ks[j]];
            quantiles[j] = fractions[j] > 0 ? low + (fractions[j] * (sorted[ks[j] + 1] - low)) : low;
        }

        return new NumericStatistics(min, max, mean, Math.Sqrt(squares / count), zeros, isInteger, quantiles, [new HistogramBucket(min, max, count)]);
    }

    // Quantile q = j/10 sits at position q·(n − 1) of the sorted values: order statistic k plus a fraction towards k + 1.
    private static (long[] Ks, double[] Fractions) QuantilePositions(long count)
    {
        var ks = new long[ColumnStatisticsLimits.Quantiles];
        var fractions = new double[ks.Length];
        var steps = ks.Length - 1;
        for (var j = 0; j < ks.Length; j++)
        {
            var position = (double)j * (count - 1) / steps;
            ks[j] = Math.Min(count - 1, (long)Math.Floor(position));
            fractions[j] = ks[j] == count - 1 ? 0 : position - ks[j];
        }

        return (ks, fractions);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FineIndex(double x, double min, double scale)
    {
        var i = (int)((x - min) * scale);
        return i >= FineBuckets ? FineBuckets - 1 : i;
    }

    private static bool AllEqual(double[] values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] != values[0])
            {
                return false;
            }
        }

        return true;
    }
}
