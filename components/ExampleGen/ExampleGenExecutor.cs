using System.Globalization;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>
/// Runs <see cref="ExampleGen"/>: reads the resolved files (<see cref="ExecutorContext.External"/>) into one columnar table,
/// assigns rows to splits (by hash, or by pre-split input) and writes each split under the pending <c>examples</c> artifact.
/// </summary>
public sealed class ExampleGenExecutor : IExecutor<ExampleGenOptions>
{
    /// <inheritdoc />
    public async Task ExecuteAsync(ExecutorContext context, ExampleGenOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var files = context.External.Files;
        if (files.Count == 0)
        {
            throw new DataValidationException($"Node '{context.NodeId}': no input files were resolved from '{options.Input}'.");
        }

        var preSplit = options.InputSplits is { Count: > 0 };
        var splitNames = preSplit ? options.InputSplits!.Select(s => s.Name).ToList() : options.Splits.Select(s => s.Name).ToList();
        var fileSplit = preSplit ? FileSplits(context, options, files.Count) : new int[files.Count];

        var formats = files.Select(f => InputFormats.Of(f.Path, options.Format)).Distinct().ToList();
        if (formats.Count > 1)
        {
            throw new DataValidationException(
                $"The input mixes {string.Join(" and ", formats)} files; all files of one ExampleGen must have the same format. Set ExampleGenOptions.Format or separate the files.");
        }

        var format = formats[0];
        var table = new ExampleTableBuilder(options.ColumnKinds, new MissingValueSet(options.MissingValues), options.AllowNonFinite);
        var policy = new MalformedRowPolicy(options.MaxMalformedFraction);
        var splitRows = splitNames.Select(_ => new List<(int Start, int End)>()).ToArray();
        for (var i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = files[i].Path;
            var start = table.RowCount;
            var skippedBefore = policy.Skipped;
            var started = context.Time.GetTimestamp();
            var rows = format switch
            {
                ExampleGenFormat.Csv => CsvExampleReader.Read(path, InputFormats.SeparatorOf(path, options.Separator), options.MaxFieldLength, table, policy, cancellationToken),
                ExampleGenFormat.Json => JsonExampleReader.Read(path, options.MaxFieldLength, table, policy, cancellationToken),
                _ => await ParquetExampleReader.ReadAsync(path, table, options.AllowNonFinite, cancellationToken).ConfigureAwait(false),
            };
            splitRows[fileSplit[i]].Add((start, table.RowCount));
            var skipped = policy.Skipped - skippedBefore;
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"Read {path} ({format}): {rows} rows{(skipped > 0 ? $", {skipped} malformed rows skipped" : "")} in {context.Time.GetElapsedTime(started).TotalMilliseconds:0} ms."));

            if (format != ExampleGenFormat.Json && options.LabelColumn is { } label && !table.Contains(label))
            {
                // Fixed-schema formats: fail after the first file rather than after reading everything.
                throw MissingLabel(label, path, table);
            }
        }

        // Non-finite tokens in columns whose kind was still open are decided now that every value is read.
        var dropped = table.ResolveDeferred(policy);
        var keptRows = dropped is null ? table.RowCount : table.RowCount - dropped.Count(d => d);
        foreach (var example in policy.Examples)
        {
            context.Log("Skipped malformed row: " + example);
        }

        if (options.LabelColumn is { } labelColumn && !table.Contains(labelColumn))
        {
            throw MissingLabel(labelColumn, string.Join("', '", files.Select(f => f.Path)), table);
        }

        if (keptRows == 0)
        {
            throw new DataValidationException(
                $"The input '{options.Input}' has no rows" + (files.Count == 1 ? $" ('{files[0].Path}' holds no data rows)" : $" ({files.Count} files, none holds a data row)") +
                ". Check that the right file or span was picked and that it holds data below its header.");
        }

        policy.Verify(keptRows);
        var phase = context.Time.GetTimestamp();
        var built = table.Build();
        var assignment = preSplit
            ? [.. splitRows.Select(ranges => ranges.SelectMany(r => Enumerable.Range(r.Start, r.End - r.Start)).ToArray())]
            : SplitAssigner.Assign(built, options.Splits, options.PartitionKey is { } key ? RequireKey(key, built) : null);
        if (dropped is not null)
        {
            // Malformed rows found after reading are left out here rather than copied out of the table.
            assignment = [.. assignment.Select(rows => rows.Where(r => !dropped[r]).ToArray())];
        }

        context.Log(string.Create(CultureInfo.InvariantCulture,
            $"Assigned {keptRows} rows to {splitNames.Count} splits in {context.Time.GetElapsedTime(phase).TotalMilliseconds:0} ms."));
        var examples = context.Output<Examples>(ExampleGen.ExamplesPort);

        // Splits are independent: write them concurrently, each gathering its rows from the table as it writes (no copy).
        var written = await Task.WhenAll(splitNames.Select((name, s) => Task.Run(
            async () =>
            {
                var started = context.Time.GetTimestamp();
                await ColumnarFormat.WriteAsync(built, assignment[s], examples.SplitUri(name), cancellationToken).ConfigureAwait(false);
                return (Name: name, Rows: assignment[s].Length, Elapsed: context.Time.GetElapsedTime(started));
            },
            cancellationToken))).ConfigureAwait(false);
        foreach (var (name, rows, elapsed) in written)
        {
            context.SetOutputProperty(ExampleGen.ExamplesPort, "row_count_" + name, (long)rows);
            context.Log(string.Create(CultureInfo.InvariantCulture, $"Wrote split '{name}': {rows} rows in {elapsed.TotalMilliseconds:0} ms."));
        }

        context.SetOutputProperty(ExampleGen.ExamplesPort, SplitNamesProperty.Name, SplitNamesProperty.Format(splitNames));
        context.SetOutputProperty(ExampleGen.ExamplesPort, "row_count", (long)keptRows);
        context.SetOutputProperty(ExampleGen.ExamplesPort, "skipped_rows", policy.Skipped);
        var facts = context.External.Facts;
        if (facts.TryGetValue(ExampleGenInputResolver.SpanFact, out var span))
        {
            // Only with {SPAN}: a made-up span 0 would make "the previous span" (span < 0) unfindable downstream.
            context.SetOutputProperty(ExampleGen.ExamplesPort, "span", long.Parse(span, CultureInfo.InvariantCulture));
        }

        if (facts.TryGetValue(ExampleGenInputResolver.VersionFact, out var version))
        {
            context.SetOutputProperty(ExampleGen.ExamplesPort, "version", long.Parse(version, CultureInfo.InvariantCulture));
        }

        context.Log(string.Create(CultureInfo.InvariantCulture,
            $"Columns: {string.Join(", ", built.Columns.Select(c => $"{c.Name} ({c.Kind})"))}."));
    }

    private static int[] FileSplits(ExecutorContext context, ExampleGenOptions options, int fileCount)
    {
        var result = new int[fileCount];
        var next = 0;
        for (var s = 0; s < options.InputSplits!.Count; s++)
        {
            var fact = ExampleGenInputResolver.SplitFilesFactPrefix + options.InputSplits[s].Name;
            if (!context.External.Facts.TryGetValue(fact, out var text) || !int.TryParse(text, CultureInfo.InvariantCulture, out var count))
            {
                throw new InvalidOperationException($"Node '{context.NodeId}': the external inputs lack fact '{fact}'; they were not resolved by ExampleGen.");
            }

            for (var i = 0; i < count; i++)
            {
                result[next++] = s;
            }
        }

        if (next != fileCount)
        {
            throw new InvalidOperationException($"Node '{context.NodeId}': the split file counts add up to {next}, but {fileCount} files were resolved.");
        }

        return result;
    }

    private static string RequireKey(string key, ColumnarTable table) => table.Contains(key)
        ? key
        : throw new DataValidationException(
            $"PartitionKey '{key}' is not a column of the input. Columns: {string.Join(", ", table.Columns.Select(c => c.Name))}.");

    private static DataValidationException MissingLabel(string label, string file, ExampleTableBuilder table)
    {
        var names = table.ColumnNames.ToList();
        var near = names.FirstOrDefault(n => string.Equals(n, label, StringComparison.OrdinalIgnoreCase));
        return new DataValidationException(
            $"Label column '{label}' is not in '{file}'. Available columns: {string.Join(", ", names)}." +
            (near is null ? " Set ExampleGenOptions.LabelColumn to one of them." : $" Did you mean '{near}'? Column names are case-sensitive."));
    }
}
