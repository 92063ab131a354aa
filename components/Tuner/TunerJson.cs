using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines.Components;

/// <summary>JSON settings of the Tuner's files and subtask messages.</summary>
internal static class TunerJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = true,
    };

    /// <summary>For reading the Trainer's training log (its own naming).</summary>
    public static JsonSerializerOptions TrainingLog { get; } = new()
    {
        PropertyNameCaseInsensitive = true,
        Converters = { new JsonStringEnumConverter() },
    };
}
