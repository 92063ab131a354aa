namespace Pipelines.Validation;

/// <summary>
/// How far a column's distribution may move from the baseline (the previous span's train split) before ExampleValidator
/// raises a <see cref="AnomalyKind.Drift"/> error. JSON: <c>{"lInfinity":0.1}</c> or <c>{"jensenShannon":0.1}</c>.
/// </summary>
/// <param name="LInfinity">For text columns: the largest allowed L-infinity distance between the normalized value
/// distributions (the biggest change of any single value's share), 0 to 1; null = not checked.</param>
/// <param name="JensenShannon">For numeric columns: the largest allowed Jensen–Shannon divergence (base 2, 0 to 1) between the
/// histograms re-bucketed onto common boundaries; null = not checked.</param>
public sealed record DriftThresholds(double? LInfinity = null, double? JensenShannon = null);
