namespace Pipelines.Validation;

/// <summary>One equal-width histogram bucket. A value belongs to the bucket with <c>Low ≤ value &lt; High</c>; the last bucket
/// also holds <c>High</c>. JSON: <c>{"low":0,"high":1.5,"count":12}</c>.</summary>
/// <param name="Low">Lower bound (inclusive).</param>
/// <param name="High">Upper bound (exclusive, except for the last bucket).</param>
/// <param name="Count">Values in the bucket.</param>
public sealed record HistogramBucket(double Low, double High, long Count);
