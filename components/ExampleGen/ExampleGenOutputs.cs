namespace Pipelines.Components;

/// <summary>The outputs of an <see cref="ExampleGen"/> node.</summary>
/// <param name="Examples">Port <c>examples</c>: the examples, one columnar directory per split.</param>
public sealed record ExampleGenOutputs(Channel<Examples> Examples);
