using System.Runtime.CompilerServices;

namespace Pipelines.Components;

/// <summary>
/// Tunes the Trainer's algorithm options by random search with successive halving: many cheap trials (few boosting
/// iterations) first, then more iterations for the best third, and so on. Each trial is its own Hangfire job (a subtask),
/// so trials spread over every worker process (LightGBM trains one model per process at a time); each is recorded in the
/// metadata store. Outputs the best values as <see cref="HyperParameters"/> for the Trainer.
/// </summary>
/// <remarks>
/// Layout of the output: <c>hyperparameters.json</c> (option name → value, incl. <c>NumberOfIterations</c>, read by the
/// Trainer's <c>hyperparameters</c> input) and <c>trials.json</c> (every trial: round, parameters, iterations, metric,
/// seconds, worker, error). Properties: <c>metric</c>, <c>best_value</c>, <c>trials</c>. The examples input takes what the
/// Trainer takes: Transform's transformed examples, or the raw examples after a Transform with
/// <see cref="TransformOptions.Materialize"/> = false (every trial then transforms them again: materialize when tuning).
/// </remarks>
public sealed class Tuner : Component<TunerOptions>
{
    /// <summary>Wires the Tuner to the examples (transformed, or raw with the graph) and the transform graph it trains on.</summary>
    public Tuner(
        Channel<Examples> transformedExamples,
        Channel<TransformGraph> transformGraph,
        Channel<Schema> schema,
        TunerOptions options,
        string? id = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
        : base(options, id, new SourceLocation(file, line))
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = TrainerOptionsValidation.Problems(options.Trainer).ToList();
        if (options.Space.Count == 0)
        {
            problems.Add("Space is empty: list at least one option range, e.g. new FloatRange(\"LearningRate\", 0.02, 0.3, LogScale: true).");
        }
        else if (options.Trainer.Algorithm is not (null or CustomTrainerOptions))
        {
            problems.AddRange(SearchSpaceValidation.Problems(options));
        }

        if (options.Trials < 1 || options.Eta < 2 || options.MinIterations < 1)
        {
            problems.Add("Trials must be ≥ 1, Eta ≥ 2 and MinIterations ≥ 1.");
        }

        // Checked now, not when every first-round trial has trained and none has the metric.
        var metrics = TrainingLogMetrics.For(options.Trainer.Task);
        if (options.Metric is { } metric && !metrics.Contains(metric, StringComparer.Ordinal))
        {
            problems.Add($"Metric '{metric}' is not an eval metric of the Trainer's training log for {options.Trainer.Task}: use one of {string.Join(", ", metrics)} (the training log's names, e.g. AreaUnderRocCurve for AUC).");
        }

        if (options.Trainer.TrainingLogEvalRows == 0)
        {
            problems.Add($"Trainer.TrainingLogEvalRows is {options.Trainer.TrainingLogEvalRows}: the trials would compute no eval metric to compare. Leave it at its default (20,000) or set it above 0.");
        }

        if (options.Trainer.Algorithm is CustomTrainerOptions)
        {
            problems.Add("A custom trainer cannot be tuned: its options are not known to the Tuner.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid {nameof(TunerOptions)} for node '{Id}' ({DefinedAt}): {string.Join(" ", problems)}", nameof(options));
        }

        DeclareInput(Trainer.ExamplesPort, transformedExamples);
        DeclareInput(Trainer.TransformGraphPort, transformGraph);
        DeclareInput(Trainer.SchemaPort, schema);
        Outputs = new TunerOutputs(DeclareOutput<HyperParameters>(BestPort));
        SubtaskHandlers = [new TrialHandler(this)];
    }

    internal const string BestPort = "best_hyperparameters";

    /// <summary>The outputs.</summary>
    public TunerOutputs Outputs { get; }

    /// <inheritdoc />
    public override string Version => "1";

    /// <inheritdoc />
    public override IReadOnlyList<ISubtaskHandler> SubtaskHandlers { get; }

    /// <inheritdoc />
    protected override IExecutor<TunerOptions> CreateExecutor() => new TunerExecutor();
}
