namespace Pipelines.Components;

/// <summary>Knobs of <see cref="Trainer"/>. Everything here enters the cache fingerprint (a custom module by its code identity).</summary>
public sealed record TrainerOptions
{
    /// <summary>What to learn. Required.</summary>
    public required TrainingTask Task { get; init; }

    /// <summary>The algorithm and its parameters; default <see cref="LightGbmOptions"/> with native LightGBM's defaults.</summary>
    public TrainerAlgorithm Algorithm { get; init; } = new LightGbmOptions();

    /// <summary>The label column; null (default) = the schema's <c>labelColumn</c>. A raw column of the transformed examples.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>The feature column the preprocessing produces (a vector of numbers); default <c>Features</c>. Doubles are
    /// converted to float inside the saved model.</summary>
    public string FeatureColumn { get; init; } = "Features";

    /// <summary>Ranking: the column whose values group rows (a query id); required for <see cref="TrainingTask.Ranking"/>.</summary>
    public string? GroupColumn { get; init; }

    /// <summary>Binary classification with a text (or numeric) label: the value that is the positive class (<c>true</c>).
    /// Null (default): a label with the values true/false, yes/no or 1/0 (any case) needs none; any other pair of values is an error
    /// that lists them.</summary>
    public string? PositiveClass { get; init; }

    /// <summary>
    /// Binary classification from a numeric label: the positive class is "label &gt; this value" (e.g. flights: delay &gt; 15).
    /// Applied in training only (the saved model does not need the label); recorded on the model as <c>positive_above</c> so
    /// the Evaluator derives the same label.
    /// </summary>
    public double? PositiveAbove { get; init; }

    /// <summary>The split to train on; default <c>train</c>.</summary>
    public string TrainSplit { get; init; } = "train";

    /// <summary>The split for early stopping and the final metric in <c>training_log.json</c>; default <c>eval</c>. When the
    /// examples have no such split, training runs without it (early stopping then fails with a clear error).</summary>
    public string EvalSplit { get; init; } = "eval";

    /// <summary>The eval metrics in <c>training_log.json</c> (final and per iteration), early stopping and the Tuner's trial scores
    /// use at most this many rows of the eval split: a seeded uniform sample (<see cref="Pipelines.Data.RowSample"/>, the same rows
    /// for every run and trial), not its first rows, which follow the file's order; default 20,000 (an AUC to about ±0.005);
    /// 0 = no metric, and early stopping then watches the whole split. For ranking the sample is whole query groups drawn at
    /// random; a custom trainer gets the whole split. Scoring millions of rows every iteration costs 15–30 % of the training; the
    /// Evaluator computes the full metrics.</summary>
    public int TrainingLogEvalRows { get; init; } = 20_000;
}
