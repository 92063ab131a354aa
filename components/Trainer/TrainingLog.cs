using System.Text.Json;

namespace Pipelines.Components;

/// <summary>The <c>training_log.json</c> of a <see cref="Model"/> artifact.</summary>
/// <param name="Task">The task.</param>
/// <param name="Algorithm">The algorithm name.</param>
/// <param name="Parameters">The algorithm options after hyper-parameter overrides, as trained.</param>
/// <param name="HyperParameters">The overrides read from the <c>hyperparameters</c> input (empty when none).</param>
/// <param name="Seed">The seed.</param>
/// <param name="Threads">The training threads.</param>
/// <param name="LabelColumn">The raw label column.</param>
/// <param name="Classes">Classification: the classes in the model's score order (binary: negative, then positive).</param>
/// <param name="TrainRows">Rows trained on (rows with a missing label dropped).</param>
/// <param name="DroppedTrainRows">Train rows dropped because their label was missing.</param>
/// <param name="EvalRows">Rows of the eval split the metrics were computed on (a uniform sample of <see cref="TrainerOptions.TrainingLogEvalRows"/>
/// rows with a label), or null when no metric was computed.</param>
/// <param name="IterationsRequested">Iterations (trees per class) asked for; null for a custom trainer.</param>
/// <param name="Iterations">Iterations kept in the model (fewer after early stopping); null when unknown.</param>
/// <param name="EarlyStopping">Early stopping, when it ended training.</param>
/// <param name="TrainSeconds">Wall time of the fit.</param>
/// <param name="EvalMetrics">Final metrics of the trained model on the eval split (ML.NET's evaluator names; see
/// <paramref name="EvalRows"/>), empty without an eval split. The per-iteration metric is in <see cref="EvalMetricPerIteration"/>.</param>
/// <param name="Warnings">Why a metric could not be computed, and similar.</param>
/// <param name="Messages">ML.NET's informational messages during the fit (e.g. LightGBM's early stopping line).</param>
public sealed record TrainingLog(
    string Task,
    string Algorithm,
    JsonElement Parameters,
    IReadOnlyDictionary<string, JsonElement> HyperParameters,
    int Seed,
    int Threads,
    string LabelColumn,
    IReadOnlyList<string>? Classes,
    long TrainRows,
    long DroppedTrainRows,
    long? EvalRows,
    int? IterationsRequested,
    int? Iterations,
    EarlyStoppingResult? EarlyStopping,
    double TrainSeconds,
    IReadOnlyDictionary<string, double> EvalMetrics,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Messages)
{
    /// <summary>LightGBM: <c>CApi</c> or <c>MlNetTrainer</c> (see <see cref="LightGbmEngine"/>); null for other algorithms.</summary>
    public string? Engine { get; init; }

    /// <summary>With an eval split, the metric on the eval sample after every iteration: LightGBM's own through the C API (every
    /// task); for FastTree and ML.NET's LightGBM trainer, binary and regression only, replayed from the trained trees
    /// (<see cref="IterationReplay"/>; rows with a missing feature left out).</summary>
    public IterationMetrics? EvalMetricPerIteration { get; init; }

    /// <summary>LightGBM through the C API: the columns of <c>lightgbm_model.txt</c> (<c>Column_0</c>, ...) as slots of the feature vector.</summary>
    public IReadOnlyList<LightGbmColumn>? LightGbmColumns { get; init; }
}

/// <summary>A metric after every boosting iteration.</summary>
/// <param name="Metric">LightGBM's metric name (<c>binary_logloss</c>, <c>multi_logloss</c>, <c>l2</c>, <c>ndcg@5</c>).</param>
/// <param name="Rows">The eval rows it was computed on (a uniform sample of <see cref="TrainerOptions.TrainingLogEvalRows"/> of the eval split, the same for every run and trial).</param>
/// <param name="Values">Value after iteration 1, 2, ...</param>
public sealed record IterationMetrics(string Metric, long Rows, IReadOnlyList<double> Values);

/// <summary>One column of LightGBM's model: a slot of the feature vector, or a one-hot block as one categorical column whose
/// value is the hot slot's offset in the block.</summary>
/// <param name="Name">Its name in <c>lightgbm_model.txt</c> (<c>feature_names</c>), from the feature vector's slot names.</param>
/// <param name="FirstSlot">The first slot of the feature vector it covers.</param>
/// <param name="Slots">The slots it covers (1 for a numeric column).</param>
/// <param name="Categorical">Whether LightGBM treats it as categorical.</param>
/// <param name="Categories">Categorical: the category each value 0, 1, ... stands for (from the one-hot slot names); −1 is none.</param>
public sealed record LightGbmColumn(string Name, int FirstSlot, int Slots, bool Categorical, IReadOnlyList<string>? Categories = null);

/// <summary>How early stopping ended a LightGBM training.</summary>
/// <param name="BestIteration">The best iteration (1-based); the model keeps the trees up to it.</param>
/// <param name="BestScore">The eval metric at that iteration (LightGBM's default metric for the task; FastTree: the replayed
/// <see cref="TrainingLog.EvalMetricPerIteration"/> value there).</param>
public sealed record EarlyStoppingResult(int BestIteration, double? BestScore);

/// <summary>One raw column of a model's input (<c>input_schema.json</c>).</summary>
/// <param name="Name">The column name.</param>
/// <param name="Kind">numeric, text or timestamp.</param>
/// <param name="Required">Whether the model cannot score rows without it.</param>
public sealed record InputColumn(string Name, string Kind, bool Required);
