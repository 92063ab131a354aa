using Microsoft.ML.Data;

namespace Pipelines.Serving;

/// <summary>How a request value is read for one raw input column.</summary>
public enum InputKind
{
    /// <summary>A number (JSON number; <c>null</c> or absent = missing).</summary>
    Number,

    /// <summary>Text (JSON string; numbers and booleans are accepted as their text).</summary>
    Text,

    /// <summary>A boolean (JSON true/false).</summary>
    Boolean,
}

/// <summary>One raw input column of a served model: what a request instance supplies.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Index">Its index in the model's input schema.</param>
/// <param name="Kind">How its value is read.</param>
/// <param name="Type">The ML.NET type the model expects.</param>
/// <param name="Required">Whether an instance must supply it (the label and columns the model ignores are optional).</param>
public sealed record InputColumn(string Name, int Index, InputKind Kind, DataViewType Type, bool Required)
{
    /// <summary>For messages: <c>number</c>, <c>text</c> or <c>boolean</c>.</summary>
    public string KindName => Kind switch { InputKind.Number => "number", InputKind.Text => "text", _ => "boolean" };
}
