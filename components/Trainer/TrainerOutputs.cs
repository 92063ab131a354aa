namespace Pipelines.Components;

/// <summary>The outputs of a <see cref="Trainer"/> node.</summary>
/// <param name="Model">Port <c>model</c>: the transform graph and the trained model as one ML.NET model taking raw rows
/// (<c>model.zip</c>), its raw input schema and the training log.</param>
public sealed record TrainerOutputs(Channel<Model> Model);
