namespace Pipelines.Components;

/// <summary>The outputs of a <see cref="StatisticsGen"/> node.</summary>
/// <param name="Statistics">Port <c>statistics</c>: per split, per column statistics (<c>statistics.json</c>).</param>
public sealed record StatisticsGenOutputs(Channel<ExampleStatistics> Statistics);
