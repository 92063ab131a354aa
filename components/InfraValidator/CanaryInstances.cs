using System.Buffers;
using System.Text.Json;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>Builds the JSON instance of each canary row: the columns a client would send (the model's required inputs), raw
/// values as they are in the examples, <c>null</c> for missing.</summary>
internal static class CanaryInstances
{
    public static IReadOnlyList<byte[]> Build(ColumnarTable rows, string inputSchemaPath)
    {
        var columns = RequiredColumns(inputSchemaPath) is { } required
            ? rows.Columns.Where(c => required.Contains(c.Name)).ToList()
            : [.. rows.Columns];
        var result = new List<byte[]>(rows.RowCount);
        for (var row = 0; row < rows.RowCount; row++)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var column in columns)
                {
                    switch (column)
                    {
                        case NumericColumn n when double.IsFinite(n.Values[row]):
                            writer.WriteNumber(column.Name, n.Values[row]);
                            break;
                        case TextColumn t when t[row] is { } text:
                            writer.WriteString(column.Name, text);
                            break;
                        default:
                            writer.WriteNull(column.Name);
                            break;
                    }
                }

                writer.WriteEndObject();
            }

            result.Add(buffer.WrittenSpan.ToArray());
        }

        return result;
    }

    private static HashSet<string>? RequiredColumns(string inputSchemaPath)
    {
        if (!File.Exists(inputSchemaPath))
        {
            return null;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(inputSchemaPath));
        return [.. json.RootElement.EnumerateArray()
            .Where(e => !e.TryGetProperty("Required", out var r) || r.ValueKind != JsonValueKind.False)
            .Select(e => e.GetProperty("Name").GetString() ?? "")];
    }
}
