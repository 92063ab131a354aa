namespace Pipelines.Validation;

/// <summary>Statistics of the non-missing values of a text column.</summary>
/// <remarks>
/// JSON: <c>{"distinct":3,"topValues":[{"value","count"}...],"averageLength":6.2,"valueCounts":[...]}</c>.
/// <para>Lists are ordered by count (descending), then value (ordinal). <see cref="ValueCounts"/> holds every value when the
/// column has at most <see cref="ColumnStatisticsLimits.MaxValueCounts"/> distinct values and is null (omitted) above that cap;
/// drift (L-infinity) and domain checks need it, so they are not computed (drift) or approximate (domain) for such columns.</para>
/// </remarks>
/// <param name="Distinct">Distinct non-missing values.</param>
/// <param name="TopValues">The <see cref="ColumnStatisticsLimits.TopValues"/> most frequent values.</param>
/// <param name="AverageLength">Mean length of the non-missing values in UTF-16 code units (characters for most text).</param>
/// <param name="ValueCounts">Every value with its count, or null above the cap.</param>
public sealed record TextStatistics(
    long Distinct,
    IReadOnlyList<ValueCount> TopValues,
    double AverageLength,
    IReadOnlyList<ValueCount>? ValueCounts = null);
