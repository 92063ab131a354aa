using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines.Hosting;

/// <summary>The JSON settings of <c>--json</c> output: camelCase, enums as strings, UTC ISO-8601 times, indented.</summary>
internal static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
