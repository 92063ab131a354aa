using System.Runtime.CompilerServices;

namespace Pipelines.Components;

/// <summary>
/// Evaluates a trained model on the eval split, overall and per slice, side by side with the latest blessed model, explains it
/// (feature importance, per-prediction contributions), and blesses it when every configured threshold holds (TFX Evaluator;
/// EVL-1..11, DN-7).
/// </summary>
/// <remarks>
/// Inputs <c>examples</c> (<see cref="Examples"/>: the raw ExampleGen output; split <see cref="EvaluatorOptions.EvalSplit"/> is
/// read) and <c>model</c> (<see cref="Model"/>: <c>model.zip</c> takes raw rows; properties <c>task</c> and <c>label</c>).
/// Resolved input <c>baseline_model</c>: the model of this node's newest blessing with <c>blessed</c> = 1
/// (<see cref="LatestBlessedModelResolver"/>); none on the first run, and then change thresholds are skipped.
/// Outputs:
/// <list type="bullet">
/// <item><c>evaluation</c> (<see cref="ModelEvaluation"/>): <c>evaluation.json</c>, an <see cref="EvaluationResult"/>; properties
/// <c>model_id</c>, <c>baseline_model_id</c> (when any), <c>blessed</c>, <c>task</c>, <c>split</c>.</item>
/// <item><c>blessing</c> (<see cref="ModelBlessing"/>): a marker file <c>BLESSED</c> or <c>NOT_BLESSED</c> whose lines spell out the
/// decision and every failed threshold (metric, slice, value, bound, baseline value); properties <c>blessed</c> (1/0),
/// <c>model_id</c> (the candidate), <c>baseline_model_id</c> (when any).</item>
/// </list>
/// A model that is not blessed is not an error: the node completes, and the Pusher checks the blessing. Bad input (no such
/// split, a label or slice column missing, a model that cannot score the rows) fails the node with a
/// <see cref="DataValidationException"/>. Metrics that cannot be computed are named warnings, never exceptions.
/// </remarks>
/// <example>See <c>pipelines/penguin/Program.cs</c>:
/// <code>
/// var evaluator = new Evaluator(exampleGen.Outputs.Examples, trainer.Outputs.Model, new EvaluatorOptions
/// {
///     SliceColumns = ["island"],
///     Thresholds = [new MetricThreshold(MetricNames.MicroAccuracy, Lower: 0.95)],
///     ChangeThresholds = [new ChangeThreshold(MetricNames.MicroAccuracy, ChangeDirection.HigherIsBetter, MaxAbsoluteDegradation: 0.01)],
///     SliceGapThresholds = [new SliceGapThreshold(MetricNames.MicroAccuracy, "island", MaxGap: 0.05)],
/// });
/// </code></example>
public sealed class Evaluator : Component<EvaluatorOptions>
{
    /// <summary>The resolved input port holding the baseline (latest blessed) model.</summary>
    public const string BaselineModelPort = "baseline_model";

    /// <summary>The output port of the blessing.</summary>
    public const string BlessingPort = "blessing";

    /// <summary>The output port of the evaluation.</summary>
    public const string EvaluationPort = "evaluation";

    internal const string ExamplesPort = "examples";
    internal const string ModelPort = "model";

    /// <summary>Declares the node.</summary>
    /// <param name="examples">The raw examples, e.g. <c>exampleGen.Outputs.Examples</c>.</param>
    /// <param name="model">The model to evaluate, e.g. <c>trainer.Outputs.Model</c>.</param>
    /// <param name="options">Options; null = defaults (no threshold, so never blessed).</param>
    /// <param name="id">The node id; defaults to <c>Evaluator</c>.</param>
    /// <param name="file">Filled by the compiler.</param>
    /// <param name="line">Filled by the compiler.</param>
    /// <exception cref="PipelineDefinitionException">An option is invalid (unknown metric, inverted bounds, ...).</exception>
    public Evaluator(
        Channel<Examples> examples,
        Channel<Model> model,
        EvaluatorOptions? options = null,
        string? id = null,
        [CallerFilePath] string file = "",
        [CallerLineNumber] int line = 0)
        : base(options ?? new EvaluatorOptions(), id, new SourceLocation(file, line))
    {
        var problems = EvaluatorOptionsValidator.Validate(Options);
        if (problems.Count > 0)
        {
            throw new PipelineDefinitionException(
                $"Node '{Id}' ({DefinedAt}) has invalid EvaluatorOptions:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", problems)}");
        }

        DeclareInput(ExamplesPort, examples);
        DeclareInput(ModelPort, model);
        Outputs = new EvaluatorOutputs(DeclareOutput<ModelEvaluation>(EvaluationPort), DeclareOutput<ModelBlessing>(BlessingPort));
    }

    /// <summary>The output channels.</summary>
    public EvaluatorOutputs Outputs { get; }

    /// <inheritdoc />
    public override string Version => "1";

    /// <summary>The <c>baseline_model</c> port: the latest blessed model of this node.</summary>
    public override IReadOnlyList<ResolvedInputPort> ResolvedInputPorts =>
        [new ResolvedInputPort(BaselineModelPort, typeof(Model), new LatestBlessedModelResolver(BlessingPort))];

    /// <inheritdoc />
    protected override IExecutor<EvaluatorOptions> CreateExecutor() => new EvaluatorExecutor();
}
