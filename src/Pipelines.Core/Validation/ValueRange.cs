namespace Pipelines.Validation;

/// <summary>Allowed numeric values, bounds inclusive; either bound may be omitted. JSON: <c>{"min":0,"max":10000}</c>.</summary>
/// <param name="Min">The smallest allowed value, or null for no lower bound.</param>
/// <param name="Max">The largest allowed value, or null for no upper bound.</param>
public sealed record ValueRange(double? Min = null, double? Max = null);
