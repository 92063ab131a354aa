using System.Text.Json;

namespace Pipelines.Components;

/// <summary>
/// Runs one Tuner trial in whichever worker picks it up: the Trainer's own executor with the trial's option values, into a
/// scratch directory (deleted after), and reports the eval metric from its training log. Reusing the Trainer keeps trials
/// and the final training identical in data handling, labels and LightGBM settings.
/// </summary>
internal sealed class TrialHandler : ISubtaskHandler
{
    public const string TrialKind = "trial";

    /// <summary>How a trial's error starts when the Tuner's time budget stopped it or kept it from starting.</summary>
    public const string OutOfTime = "Out of the Tuner's time budget";

    private readonly Tuner _tuner;

    public TrialHandler(Tuner tuner) => _tuner = tuner;

    public string Kind => TrialKind;

    public async Task<string> ExecuteAsync(string input, CancellationToken cancellationToken)
    {
        var trial = JsonSerializer.Deserialize<TrialInput>(input, TunerJson.Options)
            ?? throw new InvalidDataException("Empty trial input.");
        var baseOptions = _tuner.Options.Trainer;
        var overrides = new Dictionary<string, JsonElement>(trial.Overrides, StringComparer.Ordinal)
        {
            [IterationsOption(baseOptions.Algorithm)] = JsonSerializer.SerializeToElement(trial.Iterations),
        };
        var options = baseOptions with { Algorithm = HyperParameterOverrides.Apply(baseOptions.Algorithm, overrides, $"trial of node '{_tuner.Id}'") };
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        TrialDeadline? timer = null;
        if (trial.Deadline is { } deadline)
        {
            var left = deadline - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{OutOfTime}: it ended at {deadline:u}, before this trial started; it was not run.");
            }

            // Not budget.CancelAfter: its callback waits for a free thread-pool thread, which a fit can keep from it (TrialDeadline).
            timer = new TrialDeadline(budget, left);
        }

        using var deadlineTimer = timer;

        var scratch = Path.Combine(Path.GetTempPath(), "pipelines-trials", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            var inputs = trial.Inputs.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<Artifact>)[kv.Value.ToArtifact()], StringComparer.Ordinal);
            var model = Artifact.Create(typeof(Model), 0, scratch, new Dictionary<string, JsonElement>());
            var context = new ExecutorContext($"{_tuner.Id}-trial", _tuner.Id, 0, 0, inputs,
                new Dictionary<string, Artifact> { [Trainer.ModelPort] = model }, ExternalInputs.None, TimeProvider.System);
            try
            {
                await new TrainerExecutor().ExecuteAsync(context, options, budget.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested && trial.Deadline is not null)
            {
                throw new TimeoutException($"{OutOfTime}: it ended at {trial.Deadline:u}, while this trial was running; it was stopped.");
            }

            var log = JsonSerializer.Deserialize<TrainingLog>(
                await File.ReadAllTextAsync(Path.Combine(scratch, Trainer.TrainingLogFileName), cancellationToken).ConfigureAwait(false), TunerJson.TrainingLog)
                ?? throw new InvalidDataException("Empty training log.");
            if (!log.EvalMetrics.TryGetValue(trial.Metric, out var value))
            {
                // The name was checked when the pipeline was declared: the metric was undefined on this trial's eval sample
                // (e.g. F1 when this model predicts no positive row), and the training log says why.
                throw new DataValidationException(TrainingLogMetrics.For(options.Task).Contains(trial.Metric, StringComparer.Ordinal)
                    ? $"Tuner metric '{trial.Metric}' could not be computed for this trial on the eval sample: {(log.Warnings.Count > 0 ? string.Join(" ", log.Warnings) : "the training log gives no reason")}"
                    : $"Tuner metric '{trial.Metric}' is not among the Trainer's eval metrics ({string.Join(", ", log.EvalMetrics.Keys)}); set TunerOptions.Metric to one of them.");
            }

            return JsonSerializer.Serialize(new TrialOutput(value, log.Iterations), TunerJson.Options);
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
                // A scratch folder left behind only costs disk; the OS temp cleanup takes it.
            }
        }
    }

    /// <summary>The option holding the number of boosting iterations: FastTree calls it NumberOfTrees.</summary>
    internal static string IterationsOption(TrainerAlgorithm algorithm) =>
        algorithm is FastTreeOptions ? nameof(FastTreeOptions.NumberOfTrees) : nameof(LightGbmOptions.NumberOfIterations);
}
