using System.Buffers;
using System.Text.Json;
using Pipelines.Data;
using Pipelines.Serving;

namespace Pipelines.Bench;

/// <summary>
/// Real rows of a model's eval split in the two forms the serving benchmark sends them: raw values for a
/// <see cref="PredictionSession"/> (what <c>ServedModel.Predict</c>'s instance reader sets, minus the JSON) and one
/// <c>{"instances": [{...}]}</c> request body per row (as InfraValidator's canaries: numbers, strings, null for missing).
/// Only the model's required input columns (from <c>input_schema.json</c>); the label is left out as a client would.
/// </summary>
public sealed class ServingRequests
{
    private readonly (InputColumn Column, double[] Values)[] _numbers;
    private readonly (InputColumn Column, string?[] Values)[] _texts;

    private ServingRequests(ColumnarTable rows, ServedModel model)
    {
        Count = rows.RowCount;
        _numbers = [.. rows.Columns.OfType<NumericColumn>().Select(c => (model.Column(c.Name), c.Values))];
        _texts = [.. rows.Columns.OfType<TextColumn>().Select(c => (model.Column(c.Name), Enumerable.Range(0, c.Length).Select(r => c[r]).ToArray()))];
        ColumnNames = [.. rows.Columns.Select(c => c.Name)];
    }

    /// <summary>Rows available.</summary>
    public int Count { get; }

    /// <summary>The columns each request carries.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Every row of <paramref name="rows"/>, the model's required columns only.</summary>
    public static ServingRequests Create(ColumnarTable rows, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(model);
        var required = model.Columns.Where(c => c.Required).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return new ServingRequests(new ColumnarTable([.. rows.Columns.Where(c => required.Contains(c.Name))]), model);
    }

    /// <summary>Sets row <paramref name="row"/>'s values on <paramref name="session"/> as the instance reader does (clear, then each column).</summary>
    public void Set(PredictionSession session, int row)
    {
        session.Clear();
        foreach (var (column, values) in _numbers)
        {
            var v = values[row];
            if (!double.IsNaN(v))
            {
                session.SetNumber(column, v);
            }
        }

        foreach (var (column, values) in _texts)
        {
            if (values[row] is { } text)
            {
                session.SetText(column, text);
            }
        }
    }

    /// <summary>One request body per row for the first <paramref name="count"/> rows: <c>{"instances":[{column: value, ...}]}</c>.</summary>
    public IReadOnlyList<byte[]> Bodies(int count)
    {
        var result = new List<byte[]>(Math.Min(count, Count));
        for (var row = 0; row < Math.Min(count, Count); row++)
        {
            var buffer = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("instances");
                writer.WriteStartObject();
                foreach (var (column, values) in _numbers)
                {
                    if (double.IsFinite(values[row]))
                    {
                        writer.WriteNumber(column.Name, values[row]);
                    }
                    else
                    {
                        writer.WriteNull(column.Name);
                    }
                }

                foreach (var (column, values) in _texts)
                {
                    if (values[row] is { } text)
                    {
                        writer.WriteString(column.Name, text);
                    }
                    else
                    {
                        writer.WriteNull(column.Name);
                    }
                }

                writer.WriteEndObject();
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            result.Add(buffer.WrittenSpan.ToArray());
        }

        return result;
    }
}
