using System.Globalization;
using System.Text.Json;

namespace Pipelines.Serving;

/// <summary>
/// Reads one request instance (a JSON object <c>{column: value}</c>) into a <see cref="PredictionSession"/>, checking it
/// against the model's input columns: an unknown column, a missing required column or a value of the wrong type is a
/// <see cref="RequestValidationException"/> naming the instance, the column and the reason. <c>null</c> is a missing value.
/// </summary>
internal sealed class InstanceReader
{
    private readonly Dictionary<string, InputColumn> _byName;
    private readonly InputColumn[] _required;
    private readonly string _expected;

    public InstanceReader(IReadOnlyList<InputColumn> columns)
    {
        _byName = columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _required = [.. columns.Where(c => c.Required)];
        _expected = string.Join(", ", columns.Select(c => $"{c.Name} ({c.KindName}{(c.Required ? "" : ", optional")})"));
    }

    public void Read(JsonElement instance, int index, PredictionSession session)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            throw new RequestValidationException(
                $"instances[{index}] is a JSON {Describe(instance.ValueKind)}; each instance must be an object {{\"column\": value, ...}} with columns {_expected}.",
                instance: index);
        }

        session.Clear();
        foreach (var property in instance.EnumerateObject())
        {
            if (!_byName.TryGetValue(property.Name, out var column))
            {
                throw new RequestValidationException(
                    $"instances[{index}] has column '{property.Name}', which the model does not take. Columns: {_expected}.", property.Name, index);
            }

            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                if (column.Kind == InputKind.Boolean)
                {
                    throw new RequestValidationException($"instances[{index}].{column.Name} is null; the boolean column needs true or false.", column.Name, index);
                }

                continue;
            }

            switch (column.Kind)
            {
                case InputKind.Number when value.ValueKind == JsonValueKind.Number:
                    var number = value.GetDouble();
                    if (!double.IsFinite(number))
                    {
                        throw new RequestValidationException(
                            $"instances[{index}].{column.Name} is {Shorten(value.GetRawText())}, beyond the range of a number the model can take; send a finite number, or null for a missing value.",
                            column.Name, index);
                    }

                    session.SetNumber(column, number);
                    break;
                case InputKind.Text when value.ValueKind == JsonValueKind.String:
                    session.SetText(column, value.GetString());
                    break;
                case InputKind.Text when value.ValueKind == JsonValueKind.Number:
                    // A categorical sent as a number (an airport id, a zip code) means its text.
                    session.SetText(column, value.GetRawText());
                    break;
                case InputKind.Boolean when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    session.SetBoolean(column, value.GetBoolean());
                    break;
                default:
                    throw new RequestValidationException(
                        $"instances[{index}].{column.Name} is a JSON {Describe(value.ValueKind)} ({Shorten(value.GetRawText())}); the column is {column.KindName}. Send a {column.KindName}{(column.Kind == InputKind.Boolean ? "" : " or null for a missing value")}.",
                        column.Name, index);
            }
        }

        foreach (var column in _required)
        {
            if (!instance.TryGetProperty(column.Name, out _))
            {
                throw new RequestValidationException(
                    $"instances[{index}] has no column '{column.Name}' ({column.KindName}), which the model needs; send null for a missing value. Columns: {_expected}.",
                    column.Name, index);
            }
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    private static string Shorten(string raw) => raw.Length <= 40 ? raw : raw[..40] + "...";
}
