using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipelines.Components;

/// <summary>
/// Reads a <see cref="HyperParameters"/> artifact's <c>hyperparameters.json</c> (a JSON object: option name → value, e.g.
/// <c>{"NumberOfLeaves":63,"LearningRate":0.05}</c>) and applies it to the algorithm options by property name.
/// </summary>
internal static class HyperParameterOverrides
{
    /// <summary>The file inside a <see cref="HyperParameters"/> artifact.</summary>
    public const string FileName = "hyperparameters.json";

    /// <summary>Loads the overrides of an artifact.</summary>
    /// <exception cref="DataValidationException">The file is missing or not a JSON object.</exception>
    public static async Task<IReadOnlyDictionary<string, JsonElement>> LoadAsync(HyperParameters artifact, CancellationToken cancellationToken)
    {
        var path = Path.Combine(artifact.Uri, FileName);
        if (!File.Exists(path))
        {
            throw new DataValidationException($"The hyper-parameters artifact {artifact.Id} has no {FileName} (looked for '{path}').");
        }

        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(text, path);
    }

    /// <summary>Parses the overrides.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Parse(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new DataValidationException($"'{source}' holds a JSON {document.RootElement.ValueKind}; expected an object of option name to value, e.g. {{\"NumberOfLeaves\":63}}.");
            }

            var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                result[property.Name] = property.Value.Clone();
            }

            return result;
        }
        catch (JsonException e)
        {
            throw new DataValidationException($"'{source}' is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>The options with every override applied. For <see cref="CustomTrainerOptions"/> only <c>Seed</c> and
    /// <c>NumberOfThreads</c> are applied here; the module gets all of them.</summary>
    /// <exception cref="DataValidationException">A name the options do not have (the message lists the valid ones), or a
    /// value of the wrong type.</exception>
    public static TrainerAlgorithm Apply(TrainerAlgorithm algorithm, IReadOnlyDictionary<string, JsonElement> overrides, string source)
    {
        if (overrides.Count == 0)
        {
            return algorithm;
        }

        var type = algorithm.GetType();
        var settable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod is { IsPublic: true } && p.PropertyType != typeof(Type))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var custom = algorithm is CustomTrainerOptions;
        var node = JsonSerializer.SerializeToNode(algorithm, type)!.AsObject();
        var applied = false;
        foreach (var (name, value) in overrides)
        {
            if (!settable.TryGetValue(name, out var property))
            {
                if (custom)
                {
                    continue;
                }

                throw new DataValidationException(
                    $"'{source}' sets '{name}', which {type.Name} does not have. Valid names: {string.Join(", ", settable.Keys.Order(StringComparer.Ordinal))}.");
            }

            node[property.Name] = Convert(value, property, source);
            applied = true;
        }

        if (!applied)
        {
            return algorithm;
        }

        if (custom)
        {
            var c = (CustomTrainerOptions)algorithm;
            return c with
            {
                Seed = node[nameof(TrainerAlgorithm.Seed)]!.GetValue<int>(),
                NumberOfThreads = node[nameof(TrainerAlgorithm.NumberOfThreads)]?.GetValue<int>(),
            };
        }

        return (TrainerAlgorithm)node.Deserialize(type)!;
    }

    /// <summary>The type of the option <paramref name="name"/> (case-insensitive) of <paramref name="algorithm"/>'s options, or null
    /// when it has none that can be overridden.</summary>
    public static Type? OptionType(TrainerAlgorithm algorithm, string name)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        var property = algorithm.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => p.CanWrite && p.SetMethod is { IsPublic: true } && p.PropertyType != typeof(Type) && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        return property is null ? null : Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
    }

    private static JsonNode? Convert(JsonElement value, PropertyInfo property, string source)
    {
        var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var nullable = Nullable.GetUnderlyingType(property.PropertyType) is not null;
        if (value.ValueKind == JsonValueKind.Null && nullable)
        {
            return null;
        }

        if (target == typeof(int) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue)
        {
            return JsonValue.Create((int)d);
        }

        if (target == typeof(double) && value.ValueKind == JsonValueKind.Number)
        {
            return JsonValue.Create(value.GetDouble());
        }

        if (target == typeof(bool) && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return JsonValue.Create(value.GetBoolean());
        }

        // 0 and 1 too: the Tuner's Choice draws numbers, so Choice("UseCategoricalSplit", [0, 1]) tunes a switch.
        if (target == typeof(bool) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var flag) && flag is 0 or 1)
        {
            return JsonValue.Create(flag == 1);
        }

        throw new DataValidationException(
            $"'{source}' sets '{property.Name}' to {value.GetRawText()}, but it takes {(target == typeof(int) ? "a whole number" : target == typeof(double) ? "a number" : target == typeof(bool) ? "true or false (or 1 or 0)" : target.Name)}{(nullable ? " or null" : "")}.");
    }
}
