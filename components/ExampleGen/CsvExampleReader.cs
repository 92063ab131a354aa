using System.Text;

namespace Pipelines.Components;

/// <summary>Reads one CSV file (header row required) into the table.</summary>
internal static class CsvExampleReader
{
    /// <summary>Reads <paramref name="path"/>; returns the rows read.</summary>
    public static long Read(string path, char separator, int maxFieldLength, ExampleTableBuilder table, MalformedRowPolicy policy, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var csv = new CsvRecordReader(text, separator, maxFieldLength, policy.IsFatal);
        bool more;
        while ((more = csv.Read()) && csv.IsBlank)
        {
            // Leading empty lines before the header.
        }

        if (!more)
        {
            throw new DataValidationException($"'{path}' is empty: a CSV file needs a header row naming its columns, then one row per example.");
        }

        if (csv.Error is { } headerError)
        {
            throw new MalformedInputException(path, csv.LineNumber, "header: " + headerError);
        }

        var names = new string[csv.FieldCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = csv[i].Trim().ToString();
            if (names[i].Length == 0)
            {
                throw new DataValidationException(
                    $"'{path}' line {csv.LineNumber}: header field {i + 1} is empty. Every column needs a name in the header row.");
            }

            if (!seen.Add(names[i]))
            {
                throw new DataValidationException(
                    $"'{path}' line {csv.LineNumber}: column '{names[i]}' appears twice in the header. Column names must be unique.");
            }
        }

        var columns = table.RequireColumns(path, names);
        var forced = columns.Any(c => c.ForcedKind is not null);
        long rows = 0;
        while (csv.Read())
        {
            if (csv.Error is { } error)
            {
                policy.Report(path, csv.LineNumber, error);
                continue;
            }

            if (csv.IsBlank)
            {
                continue;
            }

            if (csv.FieldCount != columns.Length)
            {
                policy.Report(path, csv.LineNumber, $"expected {columns.Length} fields, found {csv.FieldCount}");
                continue;
            }

            if (forced && CheckForced(csv, columns) is { } reason)
            {
                policy.Report(path, csv.LineNumber, reason);
                continue;
            }

            for (var i = 0; i < columns.Length; i++)
            {
                columns[i].AppendField(csv[i]);
            }

            table.CompleteRow();
            if ((++rows & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return rows;
    }

    private static string? CheckForced(CsvRecordReader csv, ColumnAccumulator[] columns)
    {
        for (var i = 0; i < columns.Length; i++)
        {
            if (columns[i].ForcedKind is not null && columns[i].Check(csv[i]) is { } reason)
            {
                return reason;
            }
        }

        return null;
    }
}
