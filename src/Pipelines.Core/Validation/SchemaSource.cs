namespace Pipelines.Validation;

/// <summary>Where a schema came from (<see cref="DataSchema.Source"/>). JSON: <c>"inferred"</c> or <c>"curated"</c>.</summary>
public enum SchemaSource
{
    /// <summary>SchemaGen inferred it from the statistics it was given (usually the very data being validated).</summary>
    Inferred,

    /// <summary>A curated file (<c>schemas/&lt;pipeline&gt;.schema.json</c>) reviewed by a person.</summary>
    Curated,
}
