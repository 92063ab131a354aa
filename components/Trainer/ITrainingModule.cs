using Microsoft.ML;

namespace Pipelines.Components;

/// <summary>
/// A custom trainer (TFX's <c>run_fn</c>): returns the ML.NET estimator to fit on the transformed training data. The Trainer
/// fits it on <see cref="TrainingContext.TrainData"/>, appends the result to the transform graph and saves the chain as the
/// model, so the module never handles files.
/// </summary>
/// <remarks>
/// The label arrives prepared for the task in <see cref="TrainingContext.LabelColumn"/> (a key for multiclass, a bool for binary,
/// a float for regression and ranking) and the features in <see cref="TrainingContext.FeatureColumn"/> (a vector of float). The
/// estimator must output ML.NET's prediction columns for the task (<c>Score</c>, and <c>PredictedLabel</c> for classification),
/// as ML.NET's trainers do. A multiclass <c>PredictedLabel</c> key is mapped back to the original label values.
/// </remarks>
public interface ITrainingModule
{
    /// <summary>Builds the (unfitted) trainer estimator.</summary>
    IEstimator<ITransformer> Build(MLContext mlContext, TrainingContext context);
}
