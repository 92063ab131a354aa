namespace Pipelines.Components;

/// <summary>What the Trainer learns. The names are the <c>task</c> property it writes on the <see cref="Model"/> artifact,
/// which the Evaluator reads (its <c>EvaluationTask</c> has the same names).</summary>
public enum TrainingTask
{
    /// <summary>Two classes. The label is a bool, a number 0/1, or text with two values (see
    /// <see cref="TrainerOptions.PositiveClass"/>). The model outputs <c>PredictedLabel</c> (bool), <c>Score</c> and <c>Probability</c>.</summary>
    BinaryClassification,

    /// <summary>Several classes. The label is text or a number; the model outputs <c>PredictedLabel</c> with the label's original
    /// values and <c>Score</c> (one value per class, slot names = the classes).</summary>
    MulticlassClassification,

    /// <summary>A number. The model outputs <c>Score</c>.</summary>
    Regression,

    /// <summary>An order within groups (<see cref="TrainerOptions.GroupColumn"/>; rows of a group must be contiguous). The label
    /// is a relevance grade (a number); the model outputs <c>Score</c>.</summary>
    Ranking,
}
