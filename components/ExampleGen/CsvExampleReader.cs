using System.Text;

namespace Pipelines.Components;

/// <summary>Reads one CSV file (header row required) into the table.</summary>
internal static class CsvExampleReader
{
    /// <summary>Reads <paramref name="path"/>; returns the rows read.</summary>
    public static long Read(string path, char separator, int maxFieldLength, ExampleTableBuilder table, MalformedRowPolicy policy, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var (utf8, invalidBytes) = FlaggingDecoderFallback.Utf8();
        using var text = new StreamReader(stream, utf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var csv = new CsvRecordReader(text, separator, maxFieldLength, policy.IsFatal);
        bool more;
        while ((more = csv.Read()) && csv.IsBlank)
        {
            // Leading empty lines before the header.
        }

        CheckEncoding(path, csv, invalidBytes);

        if (!more)
        {
            throw new DataValidationException($"'{path}' is empty: a CSV file needs a header row naming its columns, then one row per example.");
        }

        if (csv.UnclosedQuoteLine is { } headerQuote)
        {
            throw UnclosedQuote(path, headerQuote);
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
            CheckEncoding(path, csv, invalidBytes);
            if (csv.UnclosedQuoteLine is { } quoteLine)
            {
                // Never skippable: everything after the quote was read as one field, so no later row survives.
                throw UnclosedQuote(path, quoteLine);
            }

            if (csv.Error is { } error)
            {
                policy.Report(path, csv.LineNumber, error, csv.NextLineNumber - csv.LineNumber);
                continue;
            }

            if (csv.IsBlank)
            {
                continue;
            }

            if (csv.FieldCount != columns.Length)
            {
                policy.Report(path, csv.LineNumber, $"expected {columns.Length} fields, found {csv.FieldCount}", csv.NextLineNumber - csv.LineNumber);
                continue;
            }

            if (forced && CheckForced(csv, columns) is { } reason)
            {
                policy.Report(path, csv.LineNumber, reason, csv.NextLineNumber - csv.LineNumber);
                continue;
            }

            var row = table.RowCount;
            for (var i = 0; i < columns.Length; i++)
            {
                if (columns[i].AppendField(csv[i]))
                {
                    table.DeferNonFinite(row, columns[i], path, csv.LineNumber, csv[i]);
                }
            }

            table.CompleteRow();
            if ((++rows & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return rows;
    }

    // Bytes that are not UTF-8 (a Latin-1 or Windows-1252 export) would otherwise be stored as U+FFFD without a word. Only
    // once the decoder has replaced something are records searched for the replacement character.
    private static void CheckEncoding(string path, CsvRecordReader csv, FlaggingDecoderFallback invalidBytes)
    {
        if (invalidBytes.Triggered && csv.ContainsReplacementCharacter)
        {
            throw new MalformedInputException(path, csv.LineNumber,
                "the file is not valid UTF-8 (bytes that are no UTF-8 character; a Latin-1 or Windows-1252 export?). Re-encode it as UTF-8");
        }
    }

    private static MalformedInputException UnclosedQuote(string path, long line) => new(
        path,
        line,
        $"a quote opened at line {line} is never closed before the end of the file, so everything after it would be one field. " +
        "Close the quote, or write a quote inside a quoted field as \"\" (this is never skipped, whatever MaxMalformedFraction)");

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
