namespace Pipelines.Components;

/// <summary>Knobs of <see cref="ExampleValidator"/>.</summary>
public sealed record ExampleValidatorOptions
{
    /// <summary>When true (the default) an error anomaly fails the node with a <see cref="DataValidationException"/> listing every
    /// error, so nothing downstream trains on bad data (TFX never gates; see DN-5). <c>anomalies.json</c> is written first either way.</summary>
    public bool FailOnErrors { get; init; } = true;
}
