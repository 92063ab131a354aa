using System.Globalization;

namespace Pipelines.Bench;

/// <summary>Prints benchmark rows as a Markdown table.</summary>
public static class Table
{
    /// <param name="formats">a .NET number format per column name (e.g. "0.00000" for an AUC); other columns use the default.</param>
    public static void Print(string title, IReadOnlyList<BenchResult> rows, IReadOnlyList<(string Metric, string Target)>? targets = null,
        IReadOnlyDictionary<string, string>? formats = null)
    {
        Console.WriteLine();
        Console.WriteLine($"## {title}");
        var columns = rows.SelectMany(r => r.Values.Keys).Distinct().ToList();
        Console.WriteLine("| case | " + string.Join(" | ", columns) + " |");
        Console.WriteLine("|---|" + string.Concat(columns.Select(_ => "---:|")));
        foreach (var row in rows)
        {
            Console.WriteLine($"| {row.Label} | " + string.Join(" | ", columns.Select(c => row.Values.TryGetValue(c, out var v) ? Format(v, formats?.GetValueOrDefault(c)) : "")) + " |");
        }

        foreach (var (metric, target) in targets ?? [])
        {
            Console.WriteLine($"target: {metric}: {target}");
        }
    }

    private static string Format(double v, string? format) => format is not null ? v.ToString(format, CultureInfo.InvariantCulture) : Math.Abs(v) >= 100 ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString("0.###", CultureInfo.InvariantCulture);
}
