namespace Pipelines.Validation;

/// <summary>How often a column must have a value. JSON: <c>{"minFraction":0.95}</c>.</summary>
/// <param name="MinFraction">The smallest allowed fraction of non-missing rows per split, 0 to 1; 1.0 means required
/// (no missing value allowed). An anomaly is raised when the missing fraction exceeds <c>1 − MinFraction</c>.</param>
public sealed record FeaturePresence(double MinFraction);
