using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipelines.Components;

/// <summary>
/// What the <see cref="Evaluator"/> writes to <c>evaluation.json</c> of a <see cref="ModelEvaluation"/> artifact: metrics
/// overall and per slice for the candidate and the baseline side by side, warnings, the blessing decision with every
/// threshold judged, feature importance and per-prediction contributions. Load it with
/// <see cref="LoadAsync(ModelEvaluation, CancellationToken)"/>; the JSON shape is documented in <c>components/Evaluator/README.md</c>.
/// </summary>
/// <param name="Task">The task evaluated.</param>
/// <param name="LabelColumn">The label column.</param>
/// <param name="EvalSplit">The split evaluated.</param>
/// <param name="ModelId">The candidate <see cref="Model"/> artifact.</param>
/// <param name="BaselineModelId">The baseline (latest blessed) model, or null.</param>
/// <param name="RowCount">Rows in the eval split (with or without a label).</param>
/// <param name="Slices"><c>overall</c> first, then per slice column, per value.</param>
/// <param name="Warnings">Named warnings (undefined metrics, small slices, missing labels, ...).</param>
/// <param name="Blessing">The blessing decision.</param>
/// <param name="FeatureImportance">Global feature importance of the candidate, or null when turned off.</param>
/// <param name="Contributions">Per-prediction contributions of the candidate, or null when turned off.</param>
public sealed record EvaluationResult(
    EvaluationTask Task,
    string LabelColumn,
    string EvalSplit,
    long ModelId,
    long? BaselineModelId,
    int RowCount,
    IReadOnlyList<SliceEvaluation> Slices,
    IReadOnlyList<EvaluationWarning> Warnings,
    BlessingDecision Blessing,
    FeatureImportance? FeatureImportance = null,
    FeatureContributions? Contributions = null)
{
    /// <summary>The file name inside a <see cref="ModelEvaluation"/> artifact.</summary>
    public const string FileName = "evaluation.json";

    /// <summary>The overall slice.</summary>
    [JsonIgnore]
    public SliceEvaluation Overall => Slices[0];

    /// <summary>A slice by name (<c>overall</c>, <c>island=Dream</c>), or null.</summary>
    public SliceEvaluation? FindSlice(string name) => Slices.FirstOrDefault(s => s.Name == name);

    /// <summary>Loads the evaluation of an artifact.</summary>
    public static Task<EvaluationResult> LoadAsync(ModelEvaluation artifact, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        return LoadAsync(Path.Combine(artifact.Uri, FileName), cancellationToken);
    }

    /// <summary>Loads an <c>evaluation.json</c> file.</summary>
    public static async Task<EvaluationResult> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The evaluation file '{path}' does not exist.", path);
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await JsonSerializer.DeserializeAsync<EvaluationResult>(stream, EvaluationJson.Options, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidDataException($"The evaluation file '{path}' holds null.");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"The evaluation file '{path}' cannot be read: {e.Message}", e);
            }
        }
    }

    /// <summary>Writes the evaluation as JSON.</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, this, EvaluationJson.Options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A text summary for logs and <c>show</c>: the metrics table (overall and slices, candidate and baseline side by side),
    /// the warnings and the blessing decision with its reasons.
    /// </summary>
    /// <param name="maxSlices">At most this many slices besides overall are listed.</param>
    public string FormatSummary(int maxSlices = 20)
    {
        var text = new StringBuilder();
        var baseline = BaselineModelId is { } b ? $", baseline model {b}" : ", no baseline";
        text.AppendLine(CultureInfo.InvariantCulture, $"{Task} evaluation of model {ModelId}{baseline} on split '{EvalSplit}' ({RowCount} rows, label '{LabelColumn}'):");
        var metrics = Overall.Candidate.Values.Keys.Where(k => !k.Contains('[', StringComparison.Ordinal)).ToList();
        var header = new List<string> { "slice" };
        foreach (var m in metrics)
        {
            header.Add(m);
            if (BaselineModelId is not null && m != MetricNames.ExampleCount)
            {
                header.Add("(baseline)");
            }
        }

        var rows = new List<List<string>> { header };
        foreach (var slice in Slices.Take(maxSlices + 1))
        {
            var row = new List<string> { slice.Name };
            foreach (var m in metrics)
            {
                row.Add(Cell(slice.Candidate.Get(m)));
                if (BaselineModelId is not null && m != MetricNames.ExampleCount)
                {
                    row.Add(Cell(slice.Baseline?.Get(m)));
                }
            }

            rows.Add(row);
        }

        var widths = Enumerable.Range(0, header.Count).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            text.AppendLine("  " + string.Join("  ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
        }

        if (Slices.Count > maxSlices + 1)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  ... and {Slices.Count - maxSlices - 1} more slice(s) in {FileName}");
        }

        foreach (var w in Warnings.Where(w => w.Kind != EvaluationWarningKind.SmallSlice).Take(10))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {w}");
        }

        var small = Warnings.Count(w => w.Kind == EvaluationWarningKind.SmallSlice);
        if (small > 0)
        {
            var overallSmall = Warnings.Any(w => w.Kind == EvaluationWarningKind.SmallSlice && w.Slice == SliceEvaluation.OverallName);
            var slicesChecked = Blessing.Results.Any(r => r.Kind == ThresholdKind.SliceGap || !string.Equals(r.Slice, SliceEvaluation.OverallName, StringComparison.Ordinal));
            text.AppendLine(CultureInfo.InvariantCulture, $"  warning SmallSlice: {small} slice(s) below the minimum size ({(overallSmall
                ? "'overall' among them: a threshold on it fails"
                : slicesChecked
                ? "a threshold naming one fails; 'column=*' thresholds and slice gaps leave them out"
                : "only reported: no threshold here is set on slices, so the blessing checks 'overall' alone")})");
        }

        text.AppendLine(Blessing.Blessed ? "BLESSED" : "NOT BLESSED");
        foreach (var note in Blessing.Notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {note}");
        }

        foreach (var failure in Blessing.Failures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  FAILED {failure.Message}");
        }

        return text.ToString().TrimEnd();
    }

    private static string Cell(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "-";
}
