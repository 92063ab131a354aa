using System.Text.Json;

namespace Pipelines;

/// <summary>The <c>split_names</c> property: a JSON list of split names stored as a string, as in TFX.</summary>
public static class SplitNamesProperty
{
    /// <summary>The property name.</summary>
    public const string Name = "split_names";

    /// <summary>Formats split names for the property.</summary>
    public static string Format(IEnumerable<string> splits) => JsonSerializer.Serialize(splits.ToArray());

    /// <summary>Parses the property value; an absent value means no splits.</summary>
    public static IReadOnlyList<string> Parse(string? value) =>
        string.IsNullOrEmpty(value) ? [] : JsonSerializer.Deserialize<string[]>(value) ?? [];
}
