using System.Globalization;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>A slice of the eval rows: its name and row indices.</summary>
/// <param name="Name"><c>overall</c> or <c>column=value</c>.</param>
/// <param name="Column">The slice column, null for overall.</param>
/// <param name="Value">The value, null for overall and missing values.</param>
/// <param name="Rows">Row indices into the eval table, ascending.</param>
internal sealed record Slice(string Name, string? Column, string? Value, int[] Rows);

/// <summary>Cuts the eval table into <c>overall</c> plus one slice per value of each slice column.</summary>
internal static class Slicer
{
    /// <summary>At most this many slices per column (the largest are kept): a high-cardinality column would otherwise swamp
    /// the evaluation with tiny slices.</summary>
    public const int MaxSlicesPerColumn = 1_000;

    public static IReadOnlyList<Slice> Build(ColumnarTable table, IReadOnlyList<string> sliceColumns, List<EvaluationWarning> warnings)
    {
        var all = new int[table.RowCount];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = i;
        }

        var slices = new List<Slice> { new(SliceEvaluation.OverallName, null, null, all) };
        foreach (var name in sliceColumns.Distinct(StringComparer.Ordinal))
        {
            var groups = Group(table[name]);
            if (groups.Count > MaxSlicesPerColumn)
            {
                warnings.Add(new EvaluationWarning(EvaluationWarningKind.TooManySlices,
                    $"Slice column '{name}' has {groups.Count} distinct values; only the {MaxSlicesPerColumn} with the most rows are evaluated.",
                    Slice: $"{name}=*"));
                groups = [.. groups.OrderByDescending(g => g.Rows.Count).Take(MaxSlicesPerColumn)];
            }

            foreach (var (value, _, rows) in groups.OrderBy(g => g.Value is null).ThenBy(g => g.SortKey).ThenBy(g => g.Value, StringComparer.Ordinal))
            {
                slices.Add(new Slice($"{name}={value ?? SliceEvaluation.MissingValueName}", name, value, [.. rows]));
            }
        }

        return slices;
    }

    private static List<(string? Value, double SortKey, List<int> Rows)> Group(Column column)
    {
        var result = new List<(string?, double, List<int>)>();
        switch (column)
        {
            case TextColumn text:
            {
                var byCode = new Dictionary<int, List<int>>();
                for (var i = 0; i < text.Codes.Length; i++)
                {
                    var code = text.Codes[i];
                    if (!byCode.TryGetValue(code, out var rows))
                    {
                        byCode[code] = rows = [];
                    }

                    rows.Add(i);
                }

                foreach (var (code, rows) in byCode)
                {
                    result.Add((code < 0 ? null : text.Dictionary[code], 0, rows));
                }

                break;
            }

            case NumericColumn numeric:
            {
                var byValue = new Dictionary<double, List<int>>();
                var missing = new List<int>();
                for (var i = 0; i < numeric.Values.Length; i++)
                {
                    var v = numeric.Values[i];
                    if (double.IsNaN(v))
                    {
                        missing.Add(i);
                        continue;
                    }

                    if (!byValue.TryGetValue(v, out var rows))
                    {
                        byValue[v] = rows = [];
                    }

                    rows.Add(i);
                }

                foreach (var (value, rows) in byValue)
                {
                    var name = numeric.Kind == ColumnKind.Timestamp
                        ? ((DateTime)numeric.GetValue(rows[0])!).ToString("O", CultureInfo.InvariantCulture)
                        : ModelScorer.Format(value);
                    result.Add((name, value, rows));
                }

                if (missing.Count > 0)
                {
                    result.Add((null, 0, missing));
                }

                break;
            }
        }

        return result;
    }
}
