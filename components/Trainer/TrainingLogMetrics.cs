namespace Pipelines.Components;

/// <summary>
/// The eval metrics the Trainer writes to its training log for a task (<see cref="TrainingLog.EvalMetrics"/>), by the names
/// the Tuner optimises: the Tuner checks its metric against them when the pipeline is declared, not after its first round.
/// </summary>
internal static class TrainingLogMetrics
{
    /// <summary>Metric names for <paramref name="task"/>. Binary <c>LogLoss</c> needs a calibrated model (LightGBM, FastTree).</summary>
    public static IReadOnlyList<string> For(TrainingTask task) => task switch
    {
        TrainingTask.BinaryClassification => ["AreaUnderRocCurve", "AreaUnderPrecisionRecallCurve", "Accuracy", "F1Score", "LogLoss"],
        TrainingTask.MulticlassClassification => ["MicroAccuracy", "MacroAccuracy", "LogLoss"],
        TrainingTask.Regression => ["RootMeanSquaredError", "MeanAbsoluteError", "RSquared"],

        // ML.NET's ranking evaluator reports NDCG at 1 to 10.
        _ => [.. Enumerable.Range(1, 10).Select(k => $"NDCG@{k}")],
    };

    /// <summary>Whether a smaller value is better (losses and errors).</summary>
    public static bool LowerIsBetter(string metric) => metric is "LogLoss" or "RootMeanSquaredError" or "MeanAbsoluteError";
}
