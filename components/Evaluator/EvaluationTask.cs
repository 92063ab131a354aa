namespace Pipelines.Components;

/// <summary>What a model predicts, which decides the metrics the <see cref="Evaluator"/> computes. The names match the
/// <c>task</c> property the Trainer writes on a <see cref="Model"/> artifact.</summary>
public enum EvaluationTask
{
    /// <summary>Two classes: <c>PredictedLabel</c> (bool), <c>Score</c>, <c>Probability</c>.</summary>
    BinaryClassification,

    /// <summary>Several classes: <c>PredictedLabel</c> (the original label type) and <c>Score</c> (one value per class).</summary>
    MulticlassClassification,

    /// <summary>A number: <c>Score</c>.</summary>
    Regression,

    /// <summary>An order within groups: <c>Score</c>, with a group column.</summary>
    Ranking,
}
