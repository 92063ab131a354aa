using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Pipelines.Data;

namespace Pipelines.Components;

/// <summary>Runs <see cref="InfraValidator"/>: the candidate in a real model server process, canaries, skew and latency checks.</summary>
public sealed class InfraValidatorExecutor : IExecutor<InfraValidatorOptions>
{
    /// <summary>The marker file of a model that served correctly.</summary>
    public const string BlessedFileName = "INFRA_BLESSED";

    /// <summary>The marker file of a model that did not.</summary>
    public const string NotBlessedFileName = "INFRA_NOT_BLESSED";

    /// <summary>The report with latencies and mismatches.</summary>
    public const string ReportFileName = "infra_validation.json";

    private const string ServedName = "candidate";

    /// <inheritdoc />
    public async Task ExecuteAsync(ExecutorContext context, InfraValidatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var model = context.Input<Model>(InfraValidator.ModelPort);
        var examples = context.Input<Examples>(InfraValidator.ExamplesPort);
        var hash = model.ContentHash ?? throw new DataValidationException($"Model artifact {model.Id} has no recorded content hash, which the server checks before loading it.");
        var canaries = await LoadCanariesAsync(examples, options, cancellationToken).ConfigureAwait(false);
        var instances = CanaryInstances.Build(canaries, Path.Combine(model.Uri, Trainer.InputSchemaFileName));

        var report = new InfraValidationReport { ModelId = model.Id, CanaryRows = canaries.RowCount };
        var clock = Stopwatch.StartNew();
        var command = options.ServerCommand ?? ModelServerProcess.CurrentProgram();
        string[] arguments =
        [
            "serve", "--model-dir", model.Uri, "--model-artifact", model.Id.ToString(CultureInfo.InvariantCulture), "--sha256", hash,
            "--name", ServedName, "--urls", "http://127.0.0.1:0", "--max-instances", Math.Max(1000, canaries.RowCount).ToString(CultureInfo.InvariantCulture),
        ];
        ModelServerProcess? started = null;
        try
        {
            started = ModelServerProcess.Start(command, arguments);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FileNotFoundException or InvalidOperationException)
        {
            report.Verdict("failed to load", $"the server process '{string.Join(' ', command)}' could not be started: {e.Message}");
        }

        if (started is not null)
        {
            await using var server = started;
            var (url, problem, timedOut) = await server.WaitReadyAsync(TimeSpan.FromSeconds(options.StartupTimeoutSeconds), cancellationToken).ConfigureAwait(false);
            report.StartupSeconds = clock.Elapsed.TotalSeconds;
            if (url is null)
            {
                report.Verdict(timedOut ? "timed out" : "failed to load", problem!);
            }
            else
            {
                context.Log($"Model server (pid {server.ProcessId}) ready at {url} in {report.StartupSeconds:0.0} s; sending canaries.");
                await ProbeAsync(url, model, canaries, instances, options, report, cancellationToken).ConfigureAwait(false);
            }
        }

        await WriteAsync(context, model, report, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ColumnarTable> LoadCanariesAsync(Examples examples, InfraValidatorOptions options, CancellationToken cancellationToken)
    {
        var directory = examples.SplitUri(options.EvalSplit);
        if (!Directory.Exists(directory))
        {
            throw new DataValidationException(
                $"Examples artifact {examples.Id} has no split '{options.EvalSplit}' (looked for '{directory}'). Splits: {string.Join(", ", examples.SplitNames)}. Set InfraValidatorOptions.EvalSplit.");
        }

        var table = await ColumnarFormat.ReadAsync(directory, cancellationToken).ConfigureAwait(false);
        if (table.RowCount == 0)
        {
            throw new DataValidationException($"Split '{options.EvalSplit}' of examples {examples.Id} is empty: there are no rows to build canary requests from.");
        }

        var rows = Enumerable.Range(0, Math.Min(options.CanaryRows, table.RowCount)).ToArray();
        return table.Gather(rows);
    }

    private static async Task ProbeAsync(
        string url, Model model, ColumnarTable canaries, IReadOnlyList<byte[]> instances, InfraValidatorOptions options, InfraValidationReport report, CancellationToken cancellationToken)
    {
        Predictions reference;
        try
        {
            // ML.NET's own scoring, not the compiled trees the server uses: the check must be independent of the path it checks.
            reference = ModelScorer.Load(model, ScoringSpecFor(model), SliceMetrics.CandidateRole, compiledTrees: false).Score(canaries);
        }
        catch (DataValidationException e)
        {
            report.Verdict("failed to load", $"the model cannot score the canary rows in process: {e.Message}");
            return;
        }

        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        var path = $"/v1/models/{ServedName}:predict";

        // One batch request with every canary, then single-row requests for the latency distribution.
        var batch = await SendAsync(http, path, instances, cancellationToken).ConfigureAwait(false);
        if (batch.Error is not null)
        {
            report.Verdict("request failed", $"the batch of {instances.Count} canaries: {batch.Error}");
            return;
        }

        Compare(batch.Predictions!, 0, reference, options.Tolerance, report);
        var latencies = new List<double>(options.Requests);
        for (var i = 0; i < options.Requests; i++)
        {
            var row = i % instances.Count;
            var started = Stopwatch.GetTimestamp();
            var single = await SendAsync(http, path, [instances[row]], cancellationToken).ConfigureAwait(false);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (single.Error is not null)
            {
                report.Verdict("request failed", $"single-row request {i} (canary row {row}): {single.Error}");
                return;
            }

            if (i < instances.Count)
            {
                Compare(single.Predictions!, row, reference, options.Tolerance, report);
            }
        }

        latencies.Sort();
        report.Requests = latencies.Count + 1;
        report.P50Ms = Percentile(latencies, 0.50);
        report.P99Ms = Percentile(latencies, 0.99);
        report.MaxMs = latencies[^1];
        if (report.Mismatches.Count > 0)
        {
            var first = report.Mismatches[0];
            report.Verdict("wrong predictions",
                $"{report.Mismatches.Count} served value(s) differ from the in-process predictions (tolerance {options.Tolerance}); first: canary row {first.Row} {first.Output} served {first.Served} vs {first.Expected} in process.");
        }
        else if (report.P99Ms > options.MaxP99LatencyMs)
        {
            report.Verdict("too slow", $"p99 latency {report.P99Ms:0.00} ms over {latencies.Count} single-row requests exceeds MaxP99LatencyMs {options.MaxP99LatencyMs} (p50 {report.P50Ms:0.00} ms).");
        }
    }

    private static ScoringSpec ScoringSpecFor(Model model)
    {
        var task = model.GetString("task") is { } t && Enum.TryParse<EvaluationTask>(t, ignoreCase: true, out var parsed)
            ? parsed
            : throw new DataValidationException($"Model artifact {model.Id} has no known 'task' property, so its predictions cannot be read.");
        var label = model.GetString("label") ?? throw new DataValidationException($"Model artifact {model.Id} has no 'label' property.");
        return new ScoringSpec(task, label, model.GetString("group"), model.GetString("positive_class"), model.GetDouble("positive_above"));
    }

    private static async Task<(JsonElement[]? Predictions, string? Error)> SendAsync(HttpClient http, string path, IReadOnlyList<byte[]> instances, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>();
        body.Write("{\"instances\":["u8);
        for (var i = 0; i < instances.Count; i++)
        {
            if (i > 0)
            {
                body.Write(","u8);
            }

            body.Write(instances[i]);
        }

        body.Write("]}"u8);
        using var content = new ByteArrayContent(body.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await http.PostAsync(path, content, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"HTTP {(int)response.StatusCode}: {(text.Length > 500 ? text[..500] : text)}");
            }

            using var json = JsonDocument.Parse(text);
            var predictions = json.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.Clone()).ToArray();
            return predictions.Length == instances.Count ? (predictions, null) : (null, $"{predictions.Length} predictions for {instances.Count} instances");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, e.Message);
        }
    }

    private static void Compare(JsonElement[] served, int firstRow, Predictions reference, double tolerance, InfraValidationReport report)
    {
        for (var i = 0; i < served.Length; i++)
        {
            var row = firstRow + i;
            var prediction = served[i];
            if (reference.Task == EvaluationTask.MulticlassClassification)
            {
                var k = reference.ModelClassCount;
                var scores = prediction.TryGetProperty("scores", out var s) && s.ValueKind == JsonValueKind.Object ? s.EnumerateObject().ToArray() : [];
                if (scores.Length != k)
                {
                    report.Mismatch(row, "scores", $"{scores.Length} class scores", $"{k}");
                    continue;
                }

                for (var c = 0; c < k; c++)
                {
                    Check(row, $"scores[{scores[c].Name}]", scores[c].Value, reference.ClassScores[(row * k) + c], tolerance, report);
                }
            }
            else if (reference.Task == EvaluationTask.BinaryClassification && reference.HasProbability)
            {
                Check(row, "probability", prediction.TryGetProperty("probability", out var p) ? p : default, reference.Probabilities[row], tolerance, report);
                var servedLabel = prediction.TryGetProperty("label", out var l) && l.ValueKind is JsonValueKind.True or JsonValueKind.False ? (l.GetBoolean() ? 1 : 0) : -1;
                if (servedLabel != reference.Predicted[row])
                {
                    report.Mismatch(row, "label", servedLabel < 0 ? "nothing" : servedLabel == 1 ? "true" : "false", reference.Predicted[row] == 1 ? "true" : "false");
                }
            }
            else
            {
                Check(row, "score", prediction.TryGetProperty("score", out var p) ? p : default, reference.Scores[row], tolerance, report);
            }
        }
    }

    private static void Check(int row, string output, JsonElement served, double expected, double tolerance, InfraValidationReport report)
    {
        var value = served.ValueKind == JsonValueKind.Number ? served.GetDouble() : double.NaN;
        var same = double.IsNaN(expected) ? double.IsNaN(value) : Math.Abs(value - expected) <= tolerance * Math.Max(1, Math.Abs(expected));
        if (!same)
        {
            report.Mismatch(row, output, served.ValueKind == JsonValueKind.Undefined ? "nothing" : served.GetRawText(), expected.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task WriteAsync(ExecutorContext context, Model model, InfraValidationReport report, CancellationToken cancellationToken)
    {
        var blessing = context.Output<InfraBlessing>(InfraValidator.BlessingPort);
        await report.SaveAsync(Path.Combine(blessing.Uri, ReportFileName), cancellationToken).ConfigureAwait(false);
        var marker = report.Blessed ? BlessedFileName : NotBlessedFileName;
        var text = report.Blessed
            ? $"Model {model.Id} served {report.Requests} requests correctly; p50 {report.P50Ms:0.00} ms, p99 {report.P99Ms:0.00} ms."
            : $"Model {model.Id} not blessed: {report.Reason}: {report.Detail}";
        await File.WriteAllTextAsync(Path.Combine(blessing.Uri, marker), text + Environment.NewLine, cancellationToken).ConfigureAwait(false);
        context.SetOutputProperty(InfraValidator.BlessingPort, "blessed", report.Blessed ? 1 : 0);
        context.SetOutputProperty(InfraValidator.BlessingPort, "model_id", model.Id);
        if (!report.Blessed)
        {
            context.SetOutputProperty(InfraValidator.BlessingPort, "reason", $"{report.Reason}: {report.Detail}");
        }

        if (report.Requests > 0)
        {
            context.SetOutputProperty(InfraValidator.BlessingPort, "p50_ms", Math.Round(report.P50Ms, 3));
            context.SetOutputProperty(InfraValidator.BlessingPort, "p99_ms", Math.Round(report.P99Ms, 3));
        }

        context.Log(text);
    }
}
