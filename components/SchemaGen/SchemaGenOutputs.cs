namespace Pipelines.Components;

/// <summary>The outputs of a <see cref="SchemaGen"/> node.</summary>
/// <param name="Schema">Port <c>schema</c>: the data schema (<c>schema.json</c>).</param>
public sealed record SchemaGenOutputs(Channel<Schema> Schema);
