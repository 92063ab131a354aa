namespace Pipelines.Components;

/// <summary>The outputs of an <see cref="Evaluator"/> node.</summary>
/// <param name="Evaluation">Port <c>evaluation</c>: metrics, slices, warnings, importance (<c>evaluation.json</c>).</param>
/// <param name="Blessing">Port <c>blessing</c>: whether the model is blessed (<c>BLESSED</c> / <c>NOT_BLESSED</c>).</param>
public sealed record EvaluatorOutputs(Channel<ModelEvaluation> Evaluation, Channel<ModelBlessing> Blessing);
