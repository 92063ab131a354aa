namespace Pipelines.Components;

/// <summary>The outputs of an <see cref="ExampleValidator"/> node.</summary>
/// <param name="Anomalies">Port <c>anomalies</c>: the anomaly report (<c>anomalies.json</c>).</param>
public sealed record ExampleValidatorOutputs(Channel<ExampleAnomalies> Anomalies);
