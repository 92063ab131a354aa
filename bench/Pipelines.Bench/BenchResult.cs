namespace Pipelines.Bench;

/// <summary>One row of a benchmark table.</summary>
public sealed record BenchResult(string Label, Dictionary<string, double> Values);
