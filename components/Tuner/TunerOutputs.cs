namespace Pipelines.Components;

/// <summary>The Tuner's outputs.</summary>
/// <param name="BestHyperParameters">The best option values found (port <c>best_hyperparameters</c>), for the Trainer.</param>
public sealed record TunerOutputs(Channel<HyperParameters> BestHyperParameters);
