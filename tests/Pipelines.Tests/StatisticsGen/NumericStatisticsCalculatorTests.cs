using Pipelines.Components;
using Pipelines.Data;
using Pipelines.Validation;
using static Pipelines.Tests.StatisticsGen.ValidationTestData;

namespace Pipelines.Tests.StatisticsGen;

public sealed class NumericStatisticsCalculatorTests
{
    [Fact]
    public void Compute_KnownValues_MatchesHandComputedMoments()
    {
        // mean = 40 / 8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32; population variance 32 / 8 = 4.
        var f = NumericStatisticsCalculator.Compute(Numeric("x", 2, 4, 4, 4, 5, 5, 7, 9));

        var n = Assert.IsType<NumericStatistics>(f.Numeric);
        Assert.Equal((8, 0), (f.Count, f.Missing));
        Assert.Equal(2, n.Min);
        Assert.Equal(9, n.Max);
        Assert.Equal(5, n.Mean, 12);
        Assert.Equal(2, n.StdDev, 12);
        Assert.Equal(0, n.Zeros);
        Assert.True(n.IsInteger);
        Assert.Equal(ColumnKind.Numeric, f.Kind);
    }

    [Fact]
    public void Compute_MissingZerosAndFractions_CountsThemAndIsNotInteger()
    {
        var f = NumericStatisticsCalculator.Compute(Numeric("x", 0, double.NaN, 0, 1.5, double.NaN));

        Assert.Equal(3, f.Count);
        Assert.Equal(2, f.Missing);
        Assert.Equal(2, f.Numeric!.Zeros);
        Assert.False(f.Numeric.IsInteger);
        Assert.Equal(0.5, f.Numeric.Mean, 12);
    }

    [Fact]
    public void Compute_OneToElevenShuffled_DecilesAreTheValues()
    {
        var f = NumericStatisticsCalculator.Compute(Numeric("x", 7, 3, 11, 1, 9, 5, 2, 10, 4, 8, 6));

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], f.Numeric!.Quantiles);
        Assert.Equal(6, f.Numeric.Median);
    }

    [Fact]
    public void Compute_FourValues_QuantilesInterpolateLinearly()
    {
        // Quantile j/10 sits at position 0.3·j of [1, 2, 3, 4]: 1 + 0.3·j.
        var f = NumericStatisticsCalculator.Compute(Numeric("x", 4, 1, double.NaN, 3, 2));

        var expected = Enumerable.Range(0, 11).Select(j => 1 + (0.3 * j)).ToArray();
        Assert.Equal(expected, f.Numeric!.Quantiles, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(2.5, f.Numeric.Median, 12);
    }

    [Fact]
    public void Compute_ZeroToTen_HistogramHasTenEqualBucketsWithMaxInTheLast()
    {
        var f = NumericStatisticsCalculator.Compute(Numeric("x", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));

        var h = f.Numeric!.Histogram;
        Assert.Equal(10, h.Count);
        Assert.Equal([1, 1, 1, 1, 1, 1, 1, 1, 1, 2], h.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (double)i), h.Select(b => b.Low));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (double)i), h.Select(b => b.High));
    }

    [Fact]
    public void Compute_SkewedValues_HistogramCountsPerBucket()
    {
        // Range [0, 100], width 10: 1, 2, 3 fall in bucket 0; 15 in bucket 1; 95 and 100 in bucket 9.
        var f = NumericStatisticsCalculator.Compute(Numeric("x", 1, 2, 3, 15, 95, 100, 0));

        Assert.Equal([4, 1, 0, 0, 0, 0, 0, 0, 0, 2], f.Numeric!.Histogram.Select(b => b.Count));
    }

    [Fact]
    public void Compute_ConstantColumn_OneBucketZeroStdDevAllQuantilesEqual()
    {
        var f = NumericStatisticsCalculator.Compute(Numeric("x", 3, 3, double.NaN, 3));

        var n = f.Numeric!;
        Assert.Equal(0, n.StdDev);
        Assert.All(n.Quantiles, q => Assert.Equal(3, q));
        Assert.Equal(new HistogramBucket(3, 3, 3), Assert.Single(n.Histogram));
    }

    [Fact]
    public void Compute_AllMissing_NoNumericStatistics()
    {
        var f = NumericStatisticsCalculator.Compute(Numeric("x", double.NaN, double.NaN));

        Assert.Equal((0, 2), (f.Count, f.Missing));
        Assert.Null(f.Numeric);
    }

    [Fact]
    public void Compute_InfiniteValue_FallsBackToSortedQuantilesAndOneBucket()
    {
        var f = NumericStatisticsCalculator.Compute(Numeric("x", 1, 2, double.PositiveInfinity));

        Assert.Equal(double.PositiveInfinity, f.Numeric!.Max);
        Assert.Equal(2, f.Numeric.Median);
        Assert.Single(f.Numeric.Histogram);
        Assert.False(f.Numeric.IsInteger);
    }

    [Fact]
    public void Compute_Timestamps_KeepsKind()
    {
        var f = NumericStatisticsCalculator.Compute(Timestamps("t", 1_700_000_000, 1_700_000_060));

        Assert.Equal(ColumnKind.Timestamp, f.Kind);
        Assert.Equal(1_700_000_030, f.Numeric!.Mean);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Compute_LargeRandomColumn_QuantilesEqualSortedReference(int shape)
    {
        var random = new Random(42 + shape);
        var values = new double[100_003];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = i % 17 == 0 ? double.NaN : shape switch
            {
                0 => random.NextDouble() * 1000 - 500,
                1 => Math.Round(-Math.Log(1 - random.NextDouble()) * 3), // skewed small integers: crowded buckets
                _ => i == 5 ? 1e12 : random.NextDouble(), // one outlier puts nearly everything in one fine bucket
            };
        }

        var f = NumericStatisticsCalculator.Compute(Numeric("x", values));

        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        var expected = Enumerable.Range(0, 11).Select(j =>
        {
            var position = j * (sorted.Length - 1) / 10.0;
            var k = (int)Math.Floor(position);
            return k == sorted.Length - 1 ? sorted[k] : sorted[k] + ((position - k) * (sorted[k + 1] - sorted[k]));
        });
        Assert.Equal(expected, f.Numeric!.Quantiles);
        Assert.Equal(sorted.Length, f.Numeric.Histogram.Sum(b => b.Count));
        var mean = sorted.Average();
        var stdDev = Math.Sqrt(sorted.Sum(v => (v - mean) * (v - mean)) / sorted.Length);
        Assert.True(Math.Abs(mean - f.Numeric.Mean) <= 1e-9 * Math.Max(1, Math.Abs(mean)), $"mean {f.Numeric.Mean}, expected {mean}");
        Assert.True(Math.Abs(stdDev - f.Numeric.StdDev) <= 1e-9 * Math.Max(1, stdDev), $"stdDev {f.Numeric.StdDev}, expected {stdDev}");
    }
}
