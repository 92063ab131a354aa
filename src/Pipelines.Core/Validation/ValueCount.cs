namespace Pipelines.Validation;

/// <summary>A text value and how many rows hold it. JSON: <c>{"value":"Adelie","count":152}</c>.</summary>
/// <param name="Value">The value.</param>
/// <param name="Count">Rows holding it.</param>
public sealed record ValueCount(string Value, long Count);
