using System.Globalization;
using Pipelines.Data;
using Pipelines.Metadata;
using Pipelines.Validation;
using Spectre.Console;

namespace Pipelines.Hosting;

/// <summary>Readable summaries of artifact payloads for <c>show</c>: examples counts, statistics tables, anomaly lists.</summary>
internal static class ArtifactRenderer
{
    public static async Task RenderAsync(string nodeId, ArtifactSummary artifact, CancellationToken ct)
    {
        switch (artifact.Type)
        {
            case nameof(Examples):
                var counts = string.Join(", ", artifact.Properties
                    .Where(p => p.Key.StartsWith("row_count", StringComparison.Ordinal) || p.Key is "span" or "version" or "skipped_rows")
                    .OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => $"{p.Key}={p.Value}"));
                AnsiConsole.MarkupLine($"\n[bold]{Markup.Escape(nodeId)}[/] examples #{artifact.Id}: {Markup.Escape(counts)}");
                break;
            case nameof(ExampleStatistics):
                await RenderStatisticsAsync(nodeId, artifact, ct).ConfigureAwait(false);
                break;
            case nameof(ExampleAnomalies):
                await RenderAnomaliesAsync(nodeId, artifact, ct).ConfigureAwait(false);
                break;
            case nameof(ModelEvaluation):
                var path = Path.Combine(artifact.Uri, "evaluation.json");
                if (File.Exists(path))
                {
                    var evaluation = await Components.EvaluationResult.LoadAsync(path, ct).ConfigureAwait(false);
                    AnsiConsole.MarkupLine($"\n[bold]{Markup.Escape(nodeId)}[/] evaluation #{artifact.Id}");
                    Console.WriteLine(evaluation.FormatSummary());
                }

                break;
            case nameof(Model):
            case nameof(HyperParameters):
            case nameof(ModelBlessing):
            case nameof(InfraBlessing):
            case nameof(PushedModel):
                var props = string.Join(", ", artifact.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
                AnsiConsole.MarkupLine($"\n[bold]{Markup.Escape(nodeId)}[/] {artifact.Type} #{artifact.Id}: {Markup.Escape(props)}");
                if (artifact.Type == nameof(Model))
                {
                    foreach (var line in await TrainingSummaryAsync(artifact, ct).ConfigureAwait(false))
                    {
                        Console.WriteLine(line);
                    }
                }

                break;
        }
    }

    /// <summary>From the model's training log: the eval metric's path over the iterations (when recorded), the final metrics on
    /// the eval sample, and the Trainer's warnings. Empty when there is no readable log.</summary>
    private static async Task<List<string>> TrainingSummaryAsync(ArtifactSummary artifact, CancellationToken ct)
    {
        var lines = new List<string>();
        var path = Path.Combine(artifact.Uri, Components.Trainer.TrainingLogFileName);
        if (!File.Exists(path))
        {
            return lines;
        }

        try
        {
            await using var stream = File.OpenRead(path);
            using var log = await System.Text.Json.JsonDocument.ParseAsync(stream, cancellationToken: ct).ConfigureAwait(false);
            var root = log.RootElement;
            if (root.TryGetProperty("EvalMetricPerIteration", out var curve) && curve.ValueKind == System.Text.Json.JsonValueKind.Object
                && curve.GetProperty("Values").EnumerateArray().Select(v => v.GetDouble()).ToArray() is { Length: > 0 } values)
            {
                var metric = curve.GetProperty("Metric").GetString();
                var higherIsBetter = metric?.StartsWith("ndcg", StringComparison.Ordinal) == true;
                var best = 0;
                for (var i = 1; i < values.Length; i++)
                {
                    best = higherIsBetter ? (values[i] > values[best] ? i : best) : (values[i] < values[best] ? i : best);
                }

                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"  {metric} on {curve.GetProperty("Rows").GetInt64()} eval rows: {values[0]:G5} after iteration 1, {values[^1]:G5} after {values.Length}, best {values[best]:G5} at {best + 1}"));
            }

            if (root.TryGetProperty("EvalMetrics", out var metrics) && metrics.ValueKind == System.Text.Json.JsonValueKind.Object
                && metrics.EnumerateObject().Any() && root.TryGetProperty("EvalRows", out var rows) && rows.ValueKind == System.Text.Json.JsonValueKind.Number)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"  eval sample ({rows.GetInt64()} rows): {string.Join(", ", metrics.EnumerateObject().Select(m => $"{m.Name} {m.Value.GetDouble():G4}"))}"));
            }

            if (root.TryGetProperty("Warnings", out var warnings) && warnings.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                lines.AddRange(warnings.EnumerateArray().Select(w => $"  warning: {w.GetString()}"));
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            // A log this version cannot read only leaves the summary out.
        }

        return lines;
    }

    private static async Task RenderStatisticsAsync(string nodeId, ArtifactSummary artifact, CancellationToken ct)
    {
        var path = Path.Combine(artifact.Uri, DatasetStatistics.FileName);
        if (!File.Exists(path))
        {
            return;
        }

        var statistics = await DatasetStatistics.LoadAsync(path, ct).ConfigureAwait(false);
        foreach (var split in statistics.Splits)
        {
            AnsiConsole.MarkupLine($"\n[bold]{Markup.Escape(nodeId)}[/] statistics #{artifact.Id}, split [bold]{Markup.Escape(split.Name)}[/] ({split.RowCount} rows)");
            var table = new Table().AddColumns("Feature", "Kind", "Count", "Missing", "Min", "Mean", "Std dev", "Max", "Zeros", "Distinct / top values");
            foreach (var f in split.Features)
            {
                var missing = f.Rows == 0 ? "" : $"{f.Missing} ({100.0 * f.Missing / f.Rows:0.#}%)";
                if (f.Numeric is { } n)
                {
                    table.AddRow(Markup.Escape(f.Name), f.Kind.ToString(), Num(f.Count), missing,
                        Value(n.Min, f.Kind), Value(n.Mean, f.Kind), Num(n.StdDev), Value(n.Max, f.Kind), Num(n.Zeros), "");
                }
                else if (f.Text is { } t)
                {
                    var top = string.Join(", ", t.TopValues.Take(4).Select(v => $"{v.Value} ({v.Count})"));
                    table.AddRow(Markup.Escape(f.Name), f.Kind.ToString(), Num(f.Count), missing, "", "", "", "", "",
                        Markup.Escape($"{t.Distinct} distinct: {top}{(t.TopValues.Count > 4 ? ", ..." : "")}"));
                }
                else
                {
                    table.AddRow(Markup.Escape(f.Name), f.Kind.ToString(), Num(f.Count), missing, "", "", "", "", "", "");
                }
            }

            AnsiConsole.Write(table);
        }
    }

    private static async Task RenderAnomaliesAsync(string nodeId, ArtifactSummary artifact, CancellationToken ct)
    {
        var path = Path.Combine(artifact.Uri, AnomalyReport.FileName);
        if (!File.Exists(path))
        {
            return;
        }

        var report = await AnomalyReport.LoadAsync(path, ct).ConfigureAwait(false);
        var baseline = report.HasBaseline ? $"compared with span {report.BaselineSpan?.ToString(CultureInfo.InvariantCulture) ?? "?"}" : "no previous span to compare (drift not checked)";
        AnsiConsole.MarkupLine($"\n[bold]{Markup.Escape(nodeId)}[/] anomalies #{artifact.Id}: {report.ErrorCount} error(s), {report.WarningCount} warning(s); {baseline}");
        if (report.Anomalies.Count == 0)
        {
            return;
        }

        var table = new Table().AddColumns("Severity", "Split", "Column", "Kind", "Message");
        foreach (var a in report.Anomalies)
        {
            table.AddRow(a.Severity == AnomalySeverity.Error ? "[red]Error[/]" : "[yellow]Warning[/]",
                Markup.Escape(a.Split), Markup.Escape(a.Column ?? ""), a.Kind.ToString(), Markup.Escape(a.Message));
        }

        AnsiConsole.Write(table);
    }

    private static string Num(double v) => double.IsNaN(v) ? "" : Math.Abs(v) >= 1e6 || (Math.Abs(v) < 1e-3 && v != 0)
        ? v.ToString("0.###e+0", CultureInfo.InvariantCulture)
        : v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Value(double v, ColumnKind kind) =>
        kind == ColumnKind.Timestamp && !double.IsNaN(v)
            ? DateTime.UnixEpoch.AddSeconds(v).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
            : Num(v);
}
