using System.Text.Json.Serialization;

namespace Pipelines.Validation;

/// <summary>Statistics of the non-missing values of a numeric or timestamp column (timestamps in seconds since the Unix epoch).</summary>
/// <remarks>
/// JSON: <c>{"min":1,"max":9,"mean":5,"stdDev":2.58,"zeros":0,"isInteger":true,"quantiles":[...11 values...],"histogram":[{"low","high","count"}...]}</c>.
/// <para><see cref="Quantiles"/> are exact, with linear interpolation between order statistics (numpy's default, R type 7):
/// quantile q is <c>x[k] + f·(x[k+1] − x[k])</c> where <c>k + f = q·(n − 1)</c> over the sorted values <c>x</c>.</para>
/// <para><see cref="Histogram"/> has <see cref="ColumnStatisticsLimits.HistogramBuckets"/> equal-width buckets from
/// <see cref="Min"/> to <see cref="Max"/>; a constant column has one bucket with <c>Low = High</c>. A column holding an infinity
/// has one bucket spanning the whole range.</para>
/// </remarks>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="StdDev">Population standard deviation (divides by n).</param>
/// <param name="Zeros">Values equal to zero.</param>
/// <param name="IsInteger">Whether every value is a whole number.</param>
/// <param name="Quantiles">The values at 0, 0.1, ..., 1 (the first is <see cref="Min"/>, the sixth the median, the last <see cref="Max"/>).</param>
/// <param name="Histogram">Equal-width buckets over [Min, Max].</param>
public sealed record NumericStatistics(
    double Min,
    double Max,
    double Mean,
    double StdDev,
    long Zeros,
    bool IsInteger,
    IReadOnlyList<double> Quantiles,
    IReadOnlyList<HistogramBucket> Histogram)
{
    /// <summary>The median (the sixth decile entry).</summary>
    [JsonIgnore]
    public double Median => Quantiles.Count == ColumnStatisticsLimits.Quantiles ? Quantiles[5] : double.NaN;
}
