namespace Pipelines.Validation;

/// <summary>How much a split's row count may change from the baseline (the previous span's statistics). JSON:
/// <c>{"maxRelativeSizeChange":0.5,"maxAbsoluteSizeChange":100000}</c>.</summary>
/// <param name="MaxRelativeSizeChange">The largest allowed <c>|rows − baselineRows| / baselineRows</c>; null = not checked.</param>
/// <param name="MaxAbsoluteSizeChange">The largest allowed <c>|rows − baselineRows|</c>; null = not checked.</param>
public sealed record DatasetConstraints(double? MaxRelativeSizeChange = null, long? MaxAbsoluteSizeChange = null);
